import { useState } from 'react';
import type { CameraView, RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { Dialog } from '../common/dialog';
import { RegionSelect } from '../common/region-select';
import { LocationPicker } from '../map/location-picker';

export interface CameraFormValue {
  name: string;
  onvifAddress: string;
  username: string;
  password: string;
  regionId: string;
  location: { lon: number; lat: number } | null;
}

/** Register (probe then save) or edit a camera; the location is picked on the map. */
export function CameraForm({
  title,
  initial,
  editing,
  regions,
  cameras,
  onClose,
  onSubmit,
}: {
  title: string;
  initial: CameraFormValue;
  editing: boolean;
  regions: RegionView[];
  cameras: CameraView[];
  onClose(): void;
  onSubmit(value: CameraFormValue): Promise<string | null>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<CameraFormValue>) => setV((prev) => ({ ...prev, ...patch }));
  const submit = async () => {
    setBusy(true);
    setError(await onSubmit(v));
    setBusy(false);
  };
  const ok = !!v.regionId && !!v.location && (editing || !!v.onvifAddress);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide
      testId="camera-form"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!ok || busy}
            onClick={submit}
            data-testid="camera-form-submit"
          >
            {busy ? t('common.loading') : editing ? t('common.save') : t('cameras.register')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>{t('common.name')}</label>
        <input value={v.name} onChange={(e) => set({ name: e.target.value })} />
        <label>{t('cameras.address')}</label>
        <input
          value={v.onvifAddress}
          disabled={editing}
          placeholder="http://192.168.1.64/onvif/device_service"
          onChange={(e) => set({ onvifAddress: e.target.value })}
          data-testid="camera-address"
        />
        <label>{t('cameras.username')}</label>
        <input value={v.username} autoComplete="off" onChange={(e) => set({ username: e.target.value })} />
        <label>{t('cameras.password')}</label>
        <input
          type="password"
          autoComplete="new-password"
          value={v.password}
          onChange={(e) => set({ password: e.target.value })}
        />
        <label>{t('common.region')}</label>
        <RegionSelect
          regions={regions}
          value={v.regionId}
          onChange={(regionId) => set({ regionId })}
          allowEmpty
        />
        <label>{t('cameras.location')}</label>
        <span className="muted">
          {v.location ? `${v.location.lon.toFixed(5)}, ${v.location.lat.toFixed(5)}` : t('cameras.pickOnMap')}
        </span>
      </div>
      <LocationPicker
        regions={regions}
        cameras={cameras}
        value={v.location}
        onChange={(location) => set({ location })}
      />
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}
