import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n-provider';
import { Dialog } from '../common/dialog';
import type { PlaybackController } from './playback-controller';
import { PlaybackPlayer } from './playback-player';

/** How far back "replay the last 30 s" goes. */
export const REPLAY_SECONDS = 30;

/** The playback page at a camera and moment. */
export function playbackHref(cameraIds: string[], at: number): string {
  return `/playback?cams=${cameraIds.join(',')}&t=${encodeURIComponent(new Date(at).toISOString())}`;
}

/**
 * Plays a fixed recorded range of one camera as soon as it mounts (replay of the last 30 s, an
 * alert's pre-event footage), with a button to play it again.
 */
export function RangePlayer({
  cameraId,
  from,
  to,
  label,
  className,
  testId,
}: {
  cameraId: string;
  from: number;
  to: number;
  label?: string;
  className?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const [controller, setController] = useState<PlaybackController | null>(null);
  const onController = useCallback(
    (c: PlaybackController | null) => {
      setController(c);
      if (c) void c.open(cameraId, { start: from, end: to }, { startWall: from });
    },
    [cameraId, from, to],
  );
  return (
    <div className={`range-player ${className ?? ''}`} data-testid={testId}>
      <PlaybackPlayer key={`${cameraId}:${from}:${to}`} label={label} onController={onController} />
      <div className="range-actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            controller?.seekWall(from);
            controller?.play();
          }}
          data-testid="range-replay"
        >
          {t('playback.again')}
        </button>
      </div>
    </div>
  );
}

/** 回看30秒 in a popup: now−30 s … now of one camera; 在回放中打开 goes to the playback page there. */
export function ReplayDialog({
  cameraId,
  name,
  onClose,
}: {
  cameraId: string;
  name: string;
  onClose(): void;
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [range] = useState(() => {
    const now = Date.now();
    return { from: now - REPLAY_SECONDS * 1000, to: now };
  });
  return (
    <Dialog title={`${name} · ${t('playback.replay30')}`} onClose={onClose} wide testId="replay-dialog">
      <RangePlayer cameraId={cameraId} from={range.from} to={range.to} className="replay-video" />
      <div className="toolbar">
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          data-testid="replay-open-playback"
          onClick={() => navigate(playbackHref([cameraId], range.from))}
        >
          {t('playback.openHere')}
        </button>
      </div>
    </Dialog>
  );
}

/** The two recording buttons of a live picture (wall tile, map popup). */
export function RecordingButtons({
  cameraId,
  onReplay,
  compact,
}: {
  cameraId: string;
  onReplay(): void;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <span
      className="recording-buttons"
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    >
      <button
        type="button"
        className="btn btn-small"
        data-testid="replay-30"
        title={t('playback.replay30')}
        onClick={onReplay}
      >
        {compact ? t('playback.replay30Short') : t('playback.replay30')}
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid="open-playback"
        title={t('playback.openHere')}
        onClick={() => navigate(playbackHref([cameraId], Date.now() - REPLAY_SECONDS * 1000))}
      >
        {compact ? t('playback.openShort') : t('playback.openHere')}
      </button>
    </span>
  );
}
