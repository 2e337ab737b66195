import { useState } from 'react';
import type { CreateCheckpoint, RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { Field, FormDialog, TextField } from '../common/form';
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
  const set = (patch: Partial<typeof v>) => setV((prev) => ({ ...prev, ...patch }));
  const ok = !!(v.code && v.name && v.regionId && v.location && v.road && v.direction);
  return (
    <FormDialog
      title={t('cameras.checkpoints')}
      onClose={onClose}
      onSubmit={() => onSubmit({ ...v, location: v.location! })}
      canSubmit={ok}
      wide
      testId="checkpoint-form"
    >
      <div className="form-grid">
        <TextField
          label={t('checkpoints.code')}
          value={v.code}
          disabled={editing}
          onChange={(code) => set({ code })}
        />
        <TextField label={t('common.name')} value={v.name} onChange={(name) => set({ name })} />
        <TextField label={t('checkpoints.road')} value={v.road} onChange={(road) => set({ road })} />
        <TextField
          label={t('checkpoints.direction')}
          value={v.direction}
          onChange={(direction) => set({ direction })}
        />
        <TextField
          label={t('checkpoints.lanes')}
          type="number"
          min={1}
          max={16}
          value={String(v.lanes)}
          onChange={(lanes) => set({ lanes: Number(lanes) })}
        />
        <Field label={t('common.region')}>
          <RegionSelect
            regions={regions}
            value={v.regionId}
            onChange={(regionId) => set({ regionId })}
            allowEmpty
          />
        </Field>
      </div>
      <LocationPicker regions={regions} value={v.location} onChange={(location) => set({ location })} />
    </FormDialog>
  );
}
