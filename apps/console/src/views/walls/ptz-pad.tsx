import { useState } from 'react';
import type { PtzCommand, PtzPresetView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';

/** Press and hold to move; release stops. Zoom the same way; presets by name. */
export function PtzPad({
  onCommand,
  presets = [],
}: {
  onCommand(cmd: PtzCommand): void;
  presets?: PtzPresetView[];
}) {
  const { t } = useI18n();
  const [preset, setPreset] = useState('');
  const hold = (pan: number, tilt: number, zoom = 0) => ({
    onPointerDown: () => onCommand({ action: 'move', pan, tilt, zoom }),
    onPointerUp: () => onCommand({ action: 'stop' }),
    onPointerLeave: (e: React.PointerEvent) => e.buttons && onCommand({ action: 'stop' }),
  });
  return (
    <div className="panel" data-testid="ptz-pad">
      <h3 style={{ marginTop: 0 }}>{t('ptz.title')}</h3>
      <div className="ptz-pad">
        <span />
        <button type="button" className="btn" title={t('ptz.up')} {...hold(0, 0.5)} data-testid="ptz-up">
          ▲
        </button>
        <span />
        <button type="button" className="btn" title={t('ptz.left')} {...hold(-0.5, 0)}>
          ◀
        </button>
        <button type="button" className="btn" onClick={() => onCommand({ action: 'stop' })}>
          ■
        </button>
        <button type="button" className="btn" title={t('ptz.right')} {...hold(0.5, 0)}>
          ▶
        </button>
        <button type="button" className="btn" title={t('ptz.zoomOut')} {...hold(0, 0, -0.5)}>
          −
        </button>
        <button type="button" className="btn" title={t('ptz.down')} {...hold(0, -0.5)}>
          ▼
        </button>
        <button type="button" className="btn" title={t('ptz.zoomIn')} {...hold(0, 0, 0.5)}>
          +
        </button>
      </div>
      <div className="btn-row" style={{ marginTop: 6 }}>
        {presets.length ? (
          <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid="ptz-presets">
            <option value="">{t('ptz.preset')}</option>
            {presets.map((p) => (
              <option key={p.token} value={p.token}>
                {p.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            value={preset}
            placeholder={t('ptz.preset')}
            onChange={(e) => setPreset(e.target.value)}
            style={{ width: 90 }}
          />
        )}
        <button
          type="button"
          className="btn btn-small"
          disabled={!preset}
          onClick={() => onCommand({ action: 'goto-preset', preset })}
        >
          {t('ptz.goto')}
        </button>
      </div>
    </div>
  );
}
