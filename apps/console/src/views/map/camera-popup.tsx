import { useState } from 'react';
import type { CameraView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime } from '../../i18n/format';
import type { MessageKey } from '../../i18n/dictionary';
import { LivePlayer } from '../video/live-player';
import { SnapshotButton } from '../video/snapshot-button';
import { statusReasonText } from '../cameras/status-reason';
import { RecordingButtons, ReplayDialog } from '../playback/replay';

export function CameraPopup({
  camera,
  canLive,
  onClose,
}: {
  camera: CameraView;
  canLive: boolean;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const [replay, setReplay] = useState(false);
  return (
    <div className="popup-card" data-testid="camera-popup" data-camera-id={camera.id}>
      <header>
        <strong>{camera.name}</strong>
        <span className={`badge badge-${camera.status}`} data-testid="camera-status">
          {t(`camera.${camera.status}` as MessageKey)}
        </span>
        <button type="button" className="btn-icon" onClick={onClose} aria-label="close">
          ×
        </button>
      </header>
      <div className="muted small">
        {camera.regionName}
        {camera.status !== 'online' && camera.statusReason
          ? ` · ${statusReasonText(t, camera.statusReason)}`
          : ''}
        {camera.lastSeenAt ? ` · ${t('cameras.lastSeen')} ${formatDateTime(camera.lastSeenAt, locale)}` : ''}
      </div>
      {canLive && (
        <LivePlayer
          cameraId={camera.id}
          stream="sub"
          offline={camera.status === 'offline'}
          className="popup-video"
        />
      )}
      {canLive && <SnapshotButton cameraId={camera.id} cameraName={camera.name} />}
      {canLive && (
        <div className="popup-actions">
          <RecordingButtons cameraId={camera.id} onReplay={() => setReplay(true)} />
        </div>
      )}
      {replay && <ReplayDialog cameraId={camera.id} name={camera.name} onClose={() => setReplay(false)} />}
    </div>
  );
}
