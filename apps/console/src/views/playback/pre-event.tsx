import { useState } from 'react';
import { Link } from 'react-router-dom';
import { DEFAULT_RECORDING_POLICY, type AlertView } from '@xueliang/contracts';
import { recordingsApi } from '../../api/recording-endpoints';
import { useSession } from '../../api/session-provider';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n/i18n-provider';
import { formatTime } from '../../i18n/format';
import { preEventRange } from './pre-event-range';
import { playbackHref, RangePlayer } from './replay';

/** 事发前录像: plays the alert's footage the moment the detail opens. */
export function PreEventFootage({ alert }: { alert: AlertView & { cameraId: string } }) {
  const { t, locale } = useI18n();
  const { hasRole } = useSession();
  // Only technicians and administrators may read a camera's policy; others get the platform default.
  const mayReadPolicy = hasRole('technician', 'admin');
  const policy = useResource(
    () =>
      mayReadPolicy
        ? recordingsApi.policy(alert.cameraId).catch(() => DEFAULT_RECORDING_POLICY)
        : Promise.resolve(DEFAULT_RECORDING_POLICY),
    [alert.cameraId, mayReadPolicy],
  );
  const [openedAt] = useState(() => Date.now());
  if (!policy.data) return <div className="state-box">{t('common.loading')}</div>;
  const range = preEventRange(alert.firstSeenAt, policy.data, openedAt);
  return (
    <div className="pre-event" data-testid="pre-event" data-from={range.from} data-to={range.to}>
      <RangePlayer
        cameraId={alert.cameraId}
        from={range.from}
        to={range.to}
        label={`${t('detail.preEvent')} ${formatTime(new Date(range.from).toISOString(), locale)}–${formatTime(
          new Date(range.to).toISOString(),
          locale,
        )}`}
        className="detail-video"
        testId="pre-event-player"
      />
      <Link to={playbackHref([alert.cameraId], range.from)} className="small" data-testid="pre-event-open">
        {t('playback.openHere')}
      </Link>
    </div>
  );
}
