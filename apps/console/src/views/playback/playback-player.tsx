import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime } from '../../i18n/format';
import type { MessageKey } from '../../i18n/dictionary';
import { PlaybackController, type PlaybackStatus } from './playback-controller';

/**
 * A recorded picture with the wall clock it was recorded at written on it (from the playlist's
 * PROGRAM-DATE-TIME), and its state (加载中/无录像/出错). The page drives it through the
 * controller it is handed.
 */
export function PlaybackPlayer({
  label,
  className,
  onController,
  selected,
  onSelect,
}: {
  label?: string;
  className?: string;
  onController(c: PlaybackController | null): void;
  selected?: boolean;
  onSelect?(): void;
}) {
  const { t, locale } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<PlaybackStatus>({ state: 'idle', detail: null, range: null });
  const [wall, setWall] = useState<number | null>(null);
  const controllerRef = useRef<PlaybackController | null>(null);
  const onControllerRef = useRef(onController);
  onControllerRef.current = onController;

  useEffect(() => {
    const c = new PlaybackController(videoRef.current!, setStatus);
    controllerRef.current = c;
    onControllerRef.current(c);
    // The clock on the picture: four times a second is smooth enough and costs nothing.
    const timer = setInterval(() => setWall(c.wallNow()), 250);
    return () => {
      clearInterval(timer);
      onControllerRef.current(null);
      c.destroy();
      controllerRef.current = null;
    };
  }, []);

  const showClock = wall !== null && status.state !== 'empty' && status.state !== 'error';
  return (
    <div
      className={`live-player playback-player ${selected ? 'playback-selected' : ''} ${className ?? ''}`}
      data-testid="playback-player"
      data-state={status.state}
      data-wall-clock={wall === null ? '' : String(Math.round(wall))}
      onClick={onSelect}
    >
      <video ref={videoRef} muted playsInline />
      {status.state !== 'playing' && status.state !== 'paused' && (
        <div className={`live-overlay playback-${status.state}`}>
          <span className="live-state">{t(`playback.state.${status.state}` as MessageKey)}</span>
          {status.detail && <span className="live-retry small">{status.detail}</span>}
        </div>
      )}
      {label && (
        <div className="live-label">
          <span className={`dot dot-${status.state === 'playing' ? 'playing' : ''}`} />
          {label}
        </div>
      )}
      {showClock && (
        <div className="playback-clock mono" data-testid="playback-clock">
          {formatDateTime(new Date(wall).toISOString(), locale)}
        </div>
      )}
    </div>
  );
}
