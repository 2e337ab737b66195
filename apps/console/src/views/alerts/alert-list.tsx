import { memo, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AlertView } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Deadline } from './deadline';

const ROW_HEIGHT = 46;

/** Virtualised: only the visible rows exist, so 10,000 alerts scroll like 50. */
export function AlertList({
  alerts,
  selectedId,
  fresh,
  now,
  onSelect,
  onOpen,
  onEndReached,
}: {
  alerts: AlertView[];
  selectedId: string | null;
  fresh: ReadonlySet<string>;
  now: number;
  onSelect(alert: AlertView): void;
  onOpen(alert: AlertView): void;
  onEndReached?(): void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: alerts.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => alerts[i].id,
  });
  const items = virtualizer.getVirtualItems();
  const selectedIndex = selectedId ? alerts.findIndex((a) => a.id === selectedId) : -1;

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= alerts.length - 20) onEndReached?.();
  }, [last, alerts.length, onEndReached]);

  return (
    <div ref={parent} className="alert-list" data-testid="alert-list" data-count={alerts.length}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => {
          const a = alerts[row.index];
          return (
            <AlertRow
              key={row.key}
              alert={a}
              top={row.start}
              selected={a.id === selectedId}
              fresh={fresh.has(a.id)}
              now={now}
              onSelect={onSelect}
              onOpen={onOpen}
            />
          );
        })}
      </div>
    </div>
  );
}

/** One row; memoised so scrolling mounts only the rows that come into view. */
const AlertRow = memo(function AlertRow({
  alert: a,
  top,
  selected,
  fresh,
  now,
  onSelect,
  onOpen,
}: {
  alert: AlertView;
  top: number;
  selected: boolean;
  fresh: boolean;
  now: number;
  onSelect(alert: AlertView): void;
  onOpen(alert: AlertView): void;
}) {
  const { t, locale } = useI18n();
  const overdue = a.overdueStages?.length > 0;
  return (
    <div
      className={[
        'alert-row',
        `alert-row-${a.priority}`,
        selected ? 'alert-row-selected' : '',
        fresh ? 'alert-row-new' : '',
        overdue ? 'alert-row-overdue' : '',
      ].join(' ')}
      style={{ top, height: ROW_HEIGHT }}
      data-testid="alert-row"
      data-alert-id={a.id}
      data-status={a.status}
      data-priority={a.priority}
      onClick={() => onSelect(a)}
      onDoubleClick={() => onOpen(a)}
    >
      <span className={`badge badge-${a.priority}`}>{t(`priority.${a.priority}` as MessageKey)}</span>
      <span className="hide-narrow">
        <span className="badge badge-status" data-testid="alert-status">
          {t(`status.${a.status}` as MessageKey)}
        </span>
      </span>
      <span className="alert-title">
        <strong>{a.title}</strong>
        <br />
        <span className="muted small">
          {a.number} · {t(`type.${a.type}` as MessageKey)} · {t(`source.${a.source}` as MessageKey)}
          {a.eventCount > 1 ? ` ×${a.eventCount}` : ''}
        </span>
      </span>
      <span className="muted small hide-narrow">
        {a.regionName}
        {a.cameraName ? <br /> : null}
        {a.cameraName}
      </span>
      <span className="muted small hide-narrow">{formatDateTime(a.firstSeenAt, locale).slice(5)}</span>
      <Deadline alert={a} now={now} />
    </div>
  );
});
