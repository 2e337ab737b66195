import { useRef } from 'react';
import type { StreamKind } from '@xueliang/contracts';
import { useLiveStream } from '../../hooks/use-live-stream';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';

/** One live picture with its state always written on it (连接中/启动中/离线/路数已满/重试). */
export function LivePlayer({
  cameraId,
  stream = 'sub',
  offline = false,
  label,
  className,
}: {
  cameraId: string | null;
  stream?: StreamKind;
  offline?: boolean;
  label?: string;
  className?: string;
}) {
  const { t } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const status = useLiveStream(videoRef, cameraId, stream, offline);
  // A gateway at transcode capacity is worded apart: closing H.265 views is what frees it.
  const stateText =
    status.refusal === 'gateway_transcode_capacity'
      ? t('video.busyTranscode')
      : t(`video.${status.state}` as MessageKey);
  return (
    <div className={`live-player ${className ?? ''}`} data-testid="live-player" data-state={status.state}>
      <video ref={videoRef} muted playsInline autoPlay />
      {status.state !== 'playing' && (
        <div className={`live-overlay live-${status.state}`}>
          <span className="live-state">{stateText}</span>
          {status.retryIn !== null && (
            <span className="live-retry">{t('video.retryIn', { s: status.retryIn })}</span>
          )}
        </div>
      )}
      {label && (
        <div className="live-label">
          <span className={`dot dot-${status.state}`} />
          {label}
        </div>
      )}
    </div>
  );
}
