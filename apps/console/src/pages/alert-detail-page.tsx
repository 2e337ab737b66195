import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { AlertDetailView, AlertView } from '@xueliang/contracts';
import { overdueAlert } from '../alert-changes';
import { alertsApi } from '../api/endpoints';
import { useSession, useUser } from '../api/session-provider';
import { useAlertActions } from '../hooks/use-alert-actions';
import { useNow } from '../hooks/use-now';
import { useResource } from '../hooks/use-resource';
import { useSocketEvent } from '../hooks/use-socket-event';
import { useI18n } from '../i18n/i18n-provider';
import { AlertActions, ConflictBanner } from '../views/alerts/alert-actions';
import { AlertSummary } from '../views/alerts/alert-summary';
import { Timeline } from '../views/alerts/timeline';
import { StateBox } from '../views/common/state-box';
import { LivePlayer } from '../views/video/live-player';
import { SnapshotButton } from '../views/video/snapshot-button';
import { PreEventFootage } from '../views/playback/pre-event';

/** One alert: what happened, the camera, what to do, what has been done, and the next step. */
export function AlertDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const user = useUser();
  const { hasRole } = useSession();
  const now = useNow(1000);
  const detail = useResource(() => alertsApi.get(id), [id]);
  const { reload, setData } = detail;

  const onChanged = useCallback(
    (a: AlertView) => {
      setData((prev) => ({ ...(prev as AlertDetailView), ...a, timeline: prev?.timeline ?? [] }));
      // The timeline grows with every command; fetch it fresh rather than guess the entry.
      reload();
    },
    [setData, reload],
  );
  const actions = useAlertActions(onChanged);
  const onPushed = (a: AlertView) => {
    if (a.id === id && detail.data && a.version > detail.data.version) onChanged(a);
  };
  useSocketEvent('alert.updated', (m) => onPushed(m.alert));
  // A missed deadline: the overdue badge and the escalation entry show at once.
  useSocketEvent('alert.overdue', (m) => onPushed(overdueAlert(m)));

  const alert = detail.data;
  const canLive = hasRole('duty_officer', 'dispatcher', 'supervisor', 'technician');
  return (
    <div>
      <div className="toolbar">
        <Link to="/alerts" data-testid="back-to-desk">
          ← {t('detail.back')}
        </Link>
        {alert && <span className="mono muted">{alert.number}</span>}
      </div>
      <StateBox loading={detail.loading} error={detail.error} empty={!alert} onRetry={detail.reload}>
        {alert && (
          <div className="detail" data-testid="alert-detail" data-alert-id={alert.id}>
            <div className="detail-main">
              <ConflictBanner message={actions.conflict} />
              <AlertSummary alert={alert} now={now} />
              <div className="panel">
                <AlertActions alert={alert} user={user} {...actions.actionProps} />
              </div>
              <div className="panel">
                <h3>{t('detail.camera')}</h3>
                {alert.cameraId && canLive ? (
                  <div className="detail-videos">
                    <PreEventFootage alert={{ ...alert, cameraId: alert.cameraId }} />
                    <div>
                      <LivePlayer
                        cameraId={alert.cameraId}
                        stream="sub"
                        label={`${t('detail.live')} · ${alert.cameraName ?? ''}`}
                        className="detail-video"
                      />
                      <SnapshotButton cameraId={alert.cameraId} cameraName={alert.cameraName ?? undefined} />
                    </div>
                  </div>
                ) : (
                  <div className="muted">{alert.cameraName ?? t('detail.noCamera')}</div>
                )}
              </div>
            </div>
            <div className="detail-side">
              <div className="panel">
                <h3>{t('detail.instructions')}</h3>
                <div className="instructions" data-testid="instructions">
                  {alert.instructions || '—'}
                </div>
              </div>
              <div className="panel">
                <h3>{t('detail.timeline')}</h3>
                <Timeline entries={alert.timeline ?? []} />
              </div>
            </div>
          </div>
        )}
      </StateBox>
    </div>
  );
}
