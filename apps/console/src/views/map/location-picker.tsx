import type { CameraView, RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { CountyMap } from './county-map';

const PICK_LAYERS = { regions: true, cameras: true, checkpoints: false, alerts: false };

/** Place or move a device: click the map, the point is the new location. */
export function LocationPicker({
  regions,
  cameras,
  value,
  onChange,
}: {
  regions: RegionView[];
  cameras?: CameraView[];
  value: { lon: number; lat: number } | null;
  onChange(v: { lon: number; lat: number }): void;
}) {
  const { t } = useI18n();
  return (
    <div className="map-pick" data-testid="location-picker">
      <CountyMap
        regions={regions}
        cameras={cameras}
        layers={PICK_LAYERS}
        pick={value}
        onMapClick={onChange}
      />
      <div className="map-pick-hint">
        {t('map.pickHint')}
        {value ? ` · ${value.lon.toFixed(5)}, ${value.lat.toFixed(5)}` : ''}
      </div>
    </div>
  );
}
