import type { MuteView } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { DataTable } from '../common/form';

/** The 已结束 switch: past mutes are listed only on request. */
export function MutesToolbar({
  showEnded,
  onShowEnded,
}: {
  showEnded: boolean;
  onShowEnded(v: boolean): void;
}) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <label className="btn-row">
        <input type="checkbox" checked={showEnded} onChange={(e) => onShowEnded(e.target.checked)} />
        {t('mute.ended')}
      </label>
    </div>
  );
}

/** Mutes with how many events each held back; one in force can be cancelled. */
export function MutesTable({
  mutes,
  cameraName,
  onCancel,
}: {
  mutes: MuteView[];
  cameraName(cameraId: string): string | undefined;
  onCancel(mute: MuteView): void;
}) {
  const { t, locale } = useI18n();
  return (
    <DataTable
      testId="mutes-table"
      columns={[
        t('cameras.list'),
        t('desk.filter.type'),
        t('mute.reason'),
        t('mute.until'),
        t('mute.events'),
        t('common.status'),
        '',
      ]}
    >
      {mutes.map((m) => (
        <tr key={m.id}>
          <td>{(m.cameraId && cameraName(m.cameraId)) ?? m.cameraId ?? m.checkpointId}</td>
          <td>{m.alertType ? t(`type.${m.alertType}` as MessageKey) : t('common.all')}</td>
          <td>{m.reason}</td>
          <td className="muted">{formatDateTime(m.endsAt, locale)}</td>
          <td>{m.mutedEvents}</td>
          <td>
            {m.active ? <span className="badge badge-online">{t('mute.active')}</span> : t('mute.ended')}
          </td>
          <td>
            {m.active && (
              <button type="button" className="btn btn-small" onClick={() => onCancel(m)}>
                {t('mute.cancel')}
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
