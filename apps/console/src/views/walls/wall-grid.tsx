import type { CameraView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { LivePlayer } from '../video/live-player';
import { RecordingButtons } from '../playback/replay';

/** 1/4/9/16 tiles; each tile plays the sub stream and shows its own state. */
export function WallGrid({
  tiles,
  cameras,
  focused,
  onFocus,
  onEnlarge,
  onReplay,
}: {
  tiles: (string | null)[];
  cameras: Map<string, CameraView>;
  focused: number;
  onFocus(index: number): void;
  onEnlarge(cameraId: string): void;
  /** 回看30秒 of a tile's camera; absent: no recording buttons (the user may not play back). */
  onReplay?(cameraId: string): void;
}) {
  const { t } = useI18n();
  const side = Math.sqrt(tiles.length);
  return (
    <div
      className="wall-grid"
      style={{ gridTemplateColumns: `repeat(${side}, 1fr)`, gridTemplateRows: `repeat(${side}, 1fr)` }}
      data-testid="wall-grid"
      data-layout={tiles.length}
    >
      {tiles.map((id, i) => {
        const cam = id ? cameras.get(id) : undefined;
        return (
          <div
            key={i}
            className={`wall-tile ${i === focused ? 'wall-tile-focused' : ''} ${id ? '' : 'wall-tile-empty'}`}
            data-testid="wall-tile"
            data-camera-id={id ?? ''}
            onClick={() => onFocus(i)}
            onDoubleClick={() => id && onEnlarge(id)}
          >
            {id ? (
              <>
                <LivePlayer
                  cameraId={id}
                  stream="sub"
                  offline={cam?.status === 'offline'}
                  label={cam?.name ?? id}
                />
                {onReplay && (
                  <div className="tile-actions">
                    <RecordingButtons cameraId={id} onReplay={() => onReplay(id)} compact />
                  </div>
                )}
              </>
            ) : (
              <span>
                {i + 1} · {t('video.idle')}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
