import { useState } from 'react';
import { onvifDeviceChanged, type CameraView, type RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { Field, FormDialog, TextField } from '../common/form';
import { RegionSelect } from '../common/region-select';
import { LocationPicker } from '../map/location-picker';
import { RecordingPolicyForm } from './recording-policy-form';

export interface CameraFormValue {
  name: string;
  onvifAddress: string;
  username: string;
  password: string;
  regionId: string;
  location: { lon: number; lat: number } | null;
  /** Use the addresses the camera reports as they are (off: moved to this address, for NAT). */
  trustDeviceAddresses: boolean;
  /** GB/T 28181 national device code; '' for none. */
  nationalCode: string;
}

/**
 * Register (probe then save) or edit a camera; the location is picked on the map. Editing shows
 * the stored address and username; a new address, username or password is probed by the api
 * before it is saved, and a password left blank stays as it is, except when the address moves
 * to another host or port: the stored password never goes there, so it must be entered again.
 */
export function CameraForm({
  title,
  initial,
  editing,
  cameraId,
  regions,
  cameras,
  onClose,
  onSubmit,
}: {
  title: string;
  initial: CameraFormValue;
  editing: boolean;
  /** The camera being edited: its recording policy is shown (and saved on its own) below. */
  cameraId?: string;
  regions: RegionView[];
  cameras: CameraView[];
  onClose(): void;
  onSubmit(value: CameraFormValue): Promise<string | null>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const set = (patch: Partial<CameraFormValue>) => setV((prev) => ({ ...prev, ...patch }));
  const moved = editing && onvifDeviceChanged(initial.onvifAddress, v.onvifAddress.trim());
  const ok = !!v.regionId && !!v.location && !!v.onvifAddress.trim() && (!moved || !!v.password);
  return (
    <FormDialog
      title={title}
      onClose={onClose}
      onSubmit={() => onSubmit(v)}
      canSubmit={ok}
      submitLabel={editing ? t('common.save') : t('cameras.register')}
      busyLabel={t('common.loading')}
      wide
      testId="camera-form"
      submitTestId="camera-form-submit"
    >
      <div className="form-grid">
        <TextField label={t('common.name')} value={v.name} onChange={(name) => set({ name })} />
        <TextField
          label={t('cameras.nationalCode')}
          value={v.nationalCode}
          placeholder="62079900001320000001"
          onChange={(nationalCode) => set({ nationalCode })}
          data-testid="camera-national-code"
        />
        <TextField
          label={t('cameras.address')}
          value={v.onvifAddress}
          placeholder="http://192.168.1.64/onvif/device_service"
          onChange={(onvifAddress) => set({ onvifAddress })}
          data-testid="camera-address"
        />
        <TextField
          label={t('cameras.username')}
          value={v.username}
          autoComplete="off"
          onChange={(username) => set({ username })}
          data-testid="camera-username"
        />
        <TextField
          label={t('cameras.password')}
          type="password"
          autoComplete="new-password"
          value={v.password}
          placeholder={editing && !moved ? t('cameras.passwordKeep') : undefined}
          onChange={(password) => set({ password })}
          data-testid="camera-password"
        />
        {moved && (
          <Field label="">
            <p className="small text-error" data-testid="camera-password-needed">
              {t('cameras.passwordAgain')}
            </p>
          </Field>
        )}
        <Field label={t('cameras.trustDeviceAddresses')}>
          <label className="small">
            <input
              type="checkbox"
              checked={v.trustDeviceAddresses}
              onChange={(e) => set({ trustDeviceAddresses: e.target.checked })}
              data-testid="camera-trust-addresses"
            />{' '}
            {t('cameras.trustDeviceAddressesHint')}
          </label>
        </Field>
        <Field label={t('common.region')}>
          <RegionSelect
            regions={regions}
            value={v.regionId}
            onChange={(regionId) => set({ regionId })}
            allowEmpty
          />
        </Field>
        <Field label={t('cameras.location')}>
          <span className="muted">
            {v.location
              ? `${v.location.lon.toFixed(5)}, ${v.location.lat.toFixed(5)}`
              : t('cameras.pickOnMap')}
          </span>
        </Field>
      </div>
      {editing && <p className="muted small">{t('cameras.reprobeHint')}</p>}
      <LocationPicker
        regions={regions}
        cameras={cameras}
        value={v.location}
        onChange={(location) => set({ location })}
      />
      {editing && cameraId && <RecordingPolicyForm cameraId={cameraId} />}
    </FormDialog>
  );
}
