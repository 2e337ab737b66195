import { useState } from 'react';
import type { CreateCheckpoint, RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { Dialog } from '../common/dialog';
import { RegionSelect } from '../common/region-select';
import { LocationPicker } from '../map/location-picker';

export function CheckpointForm({
  initial,
  editing,
  regions,
  onClose,
  onSubmit,
}: {
  initial: Omit<CreateCheckpoint, 'location'> & { location: { lon: number; lat: number } | null };
  editing: boolean;
  regions: RegionView[];
  onClose(): void;
  onSubmit(value: CreateCheckpoint): Promise<string | null>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<typeof v>) => setV((prev) => ({ ...prev, ...patch }));
  const ok = v.code && v.name && v.regionId && v.location && v.road && v.direction;
  return (
    <Dialog
      title={t('cameras.checkpoints')}
      onClose={onClose}
      wide
      testId="checkpoint-form"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!ok}
            onClick={async () => setError(await onSubmit({ ...v, location: v.location! }))}
          >
            {t('common.save')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>{t('checkpoints.code')}</label>
        <input value={v.code} disabled={editing} onChange={(e) => set({ code: e.target.value })} />
        <label>{t('common.name')}</label>
        <input value={v.name} onChange={(e) => set({ name: e.target.value })} />
        <label>{t('checkpoints.road')}</label>
        <input value={v.road} onChange={(e) => set({ road: e.target.value })} />
        <label>{t('checkpoints.direction')}</label>
        <input value={v.direction} onChange={(e) => set({ direction: e.target.value })} />
        <label>{t('checkpoints.lanes')}</label>
        <input
          type="number"
          min={1}
          max={16}
          value={v.lanes}
          onChange={(e) => set({ lanes: Number(e.target.value) })}
        />
        <label>{t('common.region')}</label>
        <RegionSelect
          regions={regions}
          value={v.regionId}
          onChange={(regionId) => set({ regionId })}
          allowEmpty
        />
      </div>
      <LocationPicker regions={regions} value={v.location} onChange={(location) => set({ location })} />
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}
