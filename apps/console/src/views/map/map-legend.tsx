import type { MapLayers } from './county-map';
import { COLORS } from './map-styles';
import { useI18n } from '../../i18n/i18n-provider';

const ROWS: {
  key: keyof MapLayers;
  label: 'map.layer.regions' | 'map.layer.cameras' | 'map.layer.checkpoints' | 'map.layer.alerts';
  swatch: string;
}[] = [
  { key: 'regions', label: 'map.layer.regions', swatch: '#5478a6' },
  { key: 'cameras', label: 'map.layer.cameras', swatch: COLORS.online },
  { key: 'checkpoints', label: 'map.layer.checkpoints', swatch: COLORS.checkpoint },
  { key: 'alerts', label: 'map.layer.alerts', swatch: COLORS.high },
];

export function MapLegend({
  layers,
  onChange,
  cameraCounts,
  tiles,
}: {
  layers: MapLayers;
  onChange(next: MapLayers): void;
  cameraCounts: { online: number; total: number };
  tiles: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="map-legend" data-testid="map-legend">
      <div className="legend-title">{t('map.legend')}</div>
      {ROWS.map((r) => (
        <label key={r.key} className="legend-row">
          <input
            type="checkbox"
            checked={layers[r.key]}
            data-testid={`layer-${r.key}`}
            onChange={(e) => onChange({ ...layers, [r.key]: e.target.checked })}
          />
          <span className="swatch" style={{ background: r.swatch }} />
          {t(r.label)}
        </label>
      ))}
      <div className="legend-note" data-testid="camera-count">
        <span className="swatch" style={{ background: COLORS.online }} /> {t('camera.online')}
        <span className="swatch" style={{ background: COLORS.offline, marginLeft: 8 }} />{' '}
        {t('camera.offline')}
        <br />
        {t('map.cameraCount', cameraCounts)}
      </div>
      {!tiles && <div className="legend-note muted">{t('map.noTiles')}</div>}
    </div>
  );
}
