import type { AlertTimelineEntryView } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';

export function Timeline({ entries }: { entries: AlertTimelineEntryView[] }) {
  const { t, locale } = useI18n();
  const actionLabel = (a: string) => {
    const key = `action.${a}` as MessageKey;
    const text = t(key);
    return text === key ? a : text;
  };
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((e) => (
        <li key={e.id} data-testid="timeline-entry" data-action={e.action}>
          <div className="small muted">{formatDateTime(e.at, locale)}</div>
          <div>
            <strong>{e.actorName}</strong> {actionLabel(e.action)}
            {e.toStatus && e.toStatus !== e.fromStatus ? ` → ${t(`status.${e.toStatus}` as MessageKey)}` : ''}
          </div>
          {e.note && <div className="small">{e.note}</div>}
        </li>
      ))}
    </ol>
  );
}
