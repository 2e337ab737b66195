import type { AlertView } from '@xueliang/contracts';
import { SLA_STAGES } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Deadline } from './deadline';

export function AlertSummary({ alert, now }: { alert: AlertView; now: number }) {
  const { t, locale } = useI18n();
  return (
    <div
      className="panel"
      data-testid="alert-summary"
      data-status={alert.status}
      data-version={alert.version}
    >
      <div className="btn-row" style={{ marginBottom: 6 }}>
        <span className={`badge badge-${alert.priority}`}>
          {t(`priority.${alert.priority}` as MessageKey)}
        </span>
        <span className="badge badge-status" data-testid="detail-status">
          {t(`status.${alert.status}` as MessageKey)}
        </span>
        <strong>{alert.title}</strong>
        <Deadline alert={alert} now={now} />
      </div>
      <dl className="kv">
        <dt>No.</dt>
        <dd className="mono">{alert.number}</dd>
        <dt>{t('desk.filter.type')}</dt>
        <dd>
          {t(`type.${alert.type}` as MessageKey)} · {t(`source.${alert.source}` as MessageKey)}
        </dd>
        <dt>{t('common.region')}</dt>
        <dd>{alert.regionName}</dd>
        {alert.cameraName && (
          <>
            <dt>{t('detail.camera')}</dt>
            <dd>{alert.cameraName}</dd>
          </>
        )}
        <dt>{t('detail.firstSeen')}</dt>
        <dd>
          {formatDateTime(alert.firstSeenAt, locale)}
          {alert.eventCount > 1 ? ` · ${t('detail.events')} ${alert.eventCount}` : ''}
        </dd>
        {alert.escalationLevel > 0 && (
          <>
            <dt>{t('detail.escalation')}</dt>
            <dd>{alert.escalationLevel}</dd>
          </>
        )}
        {(alert.assignedUnitName || alert.assignedUserName) && (
          <>
            <dt>{t('detail.assigned')}</dt>
            <dd>{[alert.assignedUnitName, alert.assignedUserName].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {alert.outcome && (
          <>
            <dt>{t('detail.outcome')}</dt>
            <dd>{alert.outcome}</dd>
          </>
        )}
        {alert.satisfaction !== null && (
          <>
            <dt>{t('detail.satisfaction')}</dt>
            <dd>{'★'.repeat(alert.satisfaction)}</dd>
          </>
        )}
        {alert.dismissReason && (
          <>
            <dt>{t('detail.dismissReason')}</dt>
            <dd>{alert.dismissReason}</dd>
          </>
        )}
        <dt>{t('detail.deadlines')}</dt>
        <dd>
          {SLA_STAGES.filter((s) => alert.deadlines?.[s]).map((s) => (
            <span key={s} className={`small ${alert.overdueStages?.includes(s) ? 'text-error' : 'muted'}`}>
              {t(`stage.${s}` as MessageKey)} {formatDateTime(alert.deadlines[s], locale).slice(5, 16)}
              {'  '}
            </span>
          ))}
        </dd>
      </dl>
      {alert.description && <p className="small">{alert.description}</p>}
    </div>
  );
}
