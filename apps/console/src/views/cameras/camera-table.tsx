import type { CameraView } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { DataTable, EditDeleteCell } from '../common/form';
import { statusReasonText } from './status-reason';

/** The most rows drawn at once; the search narrows a larger fleet. */
const MAX_ROWS = 1000;

/** Search, networking rate and 添加: the toolbar over the camera list and the health view. */
export function CameraToolbar({
  query,
  onQuery,
  online,
  total,
  notice,
  onAdd,
}: {
  query: string;
  onQuery(q: string): void;
  online: number;
  total: number;
  notice: string | null;
  onAdd(): void;
}) {
  const { t } = useI18n();
  const rate = total ? `${((online / total) * 100).toFixed(1)}%` : '—';
  return (
    <div className="toolbar">
      <input
        type="search"
        placeholder={t('common.search')}
        value={query}
        onChange={(e) => onQuery(e.target.value)}
      />
      <span data-testid="networking-rate">{t('cameras.networking', { rate })}</span>
      <span className="muted">
        {online}/{total}
      </span>
      <span className="spacer" />
      {notice && <span className="muted">{notice}</span>}
      <button type="button" className="btn btn-primary btn-small" onClick={onAdd} data-testid="camera-add">
        {t('cameras.add')}
      </button>
    </div>
  );
}

/** Cameras with status, why they are offline, model and last contact; edit, mute, delete per row. */
export function CameraTable({
  cameras,
  selected,
  onSelect,
  onEdit,
  onMute,
  onRemove,
}: {
  cameras: CameraView[];
  /** Ids ticked for a bulk edit. */
  selected: ReadonlySet<string>;
  onSelect(ids: string[], on: boolean): void;
  onEdit(camera: CameraView): void;
  onMute(camera: CameraView): void;
  onRemove(camera: CameraView): void;
}) {
  const { t, locale } = useI18n();
  const drawn = cameras.slice(0, MAX_ROWS);
  const allTicked = drawn.length > 0 && drawn.every((c) => selected.has(c.id));
  return (
    <DataTable
      testId="camera-table"
      columns={[
        <input
          key="all"
          type="checkbox"
          aria-label={t('bulk.selectAll')}
          data-testid="camera-select-all"
          checked={allTicked}
          onChange={(e) =>
            onSelect(
              drawn.map((c) => c.id),
              e.target.checked,
            )
          }
        />,
        t('common.name'),
        t('common.status'),
        t('cameras.reason'),
        t('common.region'),
        t('cameras.model'),
        t('cameras.lastSeen'),
        t('common.actions'),
      ]}
    >
      {drawn.map((c) => (
        <tr key={c.id} data-testid="camera-row" data-camera-id={c.id} data-status={c.status}>
          <td>
            <input
              type="checkbox"
              aria-label={c.name}
              data-testid="camera-select"
              checked={selected.has(c.id)}
              onChange={(e) => onSelect([c.id], e.target.checked)}
            />
          </td>
          <td>
            {c.name}
            {c.nationalCode && <div className="muted small mono">{c.nationalCode}</div>}
            <div className="muted small mono">{c.onvifAddress}</div>
          </td>
          <td>
            <span className={`badge badge-${c.status}`}>{t(`camera.${c.status}` as MessageKey)}</span>
          </td>
          <td className={c.status === 'offline' ? 'text-error' : 'muted'}>
            {statusReasonText(t, c.statusReason)}
          </td>
          <td>{c.regionName}</td>
          <td className="muted">
            {[c.manufacturer, c.model].filter(Boolean).join(' ') || '—'}
            {c.ptz ? ` · ${t('cameras.ptz')}` : ''}
          </td>
          <td className="muted">{formatDateTime(c.lastSeenAt, locale)}</td>
          <EditDeleteCell
            name={c.name}
            onEdit={() => onEdit(c)}
            onDelete={() => onRemove(c)}
            editTestId="camera-edit"
          >
            <button type="button" className="btn btn-small" onClick={() => onMute(c)}>
              {t('mute.action')}
            </button>
          </EditDeleteCell>
        </tr>
      ))}
    </DataTable>
  );
}
