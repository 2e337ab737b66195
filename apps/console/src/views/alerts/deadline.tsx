import type { AlertView } from '@xueliang/contracts';
import { pendingDeadline } from '../../alert-commands';
import { formatDuration } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';

/** Deadlines near (under 2 minutes or a fifth of the time left) turn amber before they turn red. */
const NEAR_MS = 2 * 60_000;

export function Deadline({ alert, now }: { alert: AlertView; now: number }) {
  const { t } = useI18n();
  const pending = pendingDeadline(alert);
  const overdue = alert.overdueStages?.length > 0;
  if (!pending)
    return overdue ? (
      <span className="badge badge-overdue" data-testid="overdue-badge">
        {t('desk.overdue')}
      </span>
    ) : (
      <span className="deadline muted">—</span>
    );
  const left = new Date(pending.due).getTime() - now;
  const stage = t(`stage.${pending.stage}` as MessageKey);
  if (left <= 0 || overdue) {
    return (
      <span className="deadline deadline-over" data-testid="deadline" data-overdue="true">
        <span className="badge badge-overdue" data-testid="overdue-badge">
          {t('desk.overdue')}
        </span>{' '}
        {t('desk.overdueBy', { stage })} {left <= 0 ? formatDuration(left) : ''}
      </span>
    );
  }
  const total = new Date(pending.due).getTime() - new Date(alert.createdAt).getTime();
  const near = left < NEAR_MS || (total > 0 && left < total * 0.2);
  return (
    <span className={`deadline ${near ? 'deadline-near' : ''}`} data-testid="deadline">
      {t('desk.due', { stage })} {formatDuration(left)}
    </span>
  );
}
