import { useState } from 'react';
import {
  PRIORITIES,
  REPORTABLE_ALERT_TYPES,
  type AlertType,
  type Priority,
  type RaiseAlert,
  type RegionView,
} from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { EnumSelect, Field, FormDialog, TextField } from '../common/form';

export function RaiseDialog({
  regions,
  defaultRegionId,
  onClose,
  onSubmit,
}: {
  regions: RegionView[];
  defaultRegionId: string;
  onClose(): void;
  onSubmit(body: RaiseAlert): Promise<string | null>;
}) {
  const { t } = useI18n();
  const [type, setType] = useState<AlertType>('public_safety');
  const [priority, setPriority] = useState<Priority>('medium');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [regionId, setRegionId] = useState(defaultRegionId);
  return (
    <FormDialog
      title={t('raise.title')}
      onClose={onClose}
      testId="dialog-raise"
      submitLabel={t('desk.raise')}
      canSubmit={!!title.trim()}
      onSubmit={() =>
        onSubmit({ type, priority, title: title.trim(), description, regionId, source: 'manual' })
      }
    >
      <div className="form-grid">
        <Field label={t('desk.filter.type')}>
          <EnumSelect
            values={REPORTABLE_ALERT_TYPES}
            prefix="type"
            value={type}
            onChange={(x) => x && setType(x)}
          />
        </Field>
        <Field label={t('desk.filter.priority')}>
          <EnumSelect
            values={PRIORITIES}
            prefix="priority"
            value={priority}
            onChange={(x) => x && setPriority(x)}
          />
        </Field>
        <Field label={t('common.region')}>
          <select value={regionId} onChange={(e) => setRegionId(e.target.value)}>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {'　'.repeat(Math.max(0, r.path.split('.').length - 2))}
                {r.name}
              </option>
            ))}
          </select>
        </Field>
        <TextField label={t('raise.titleField')} value={title} onChange={setTitle} autoFocus />
        <Field label={t('raise.description')}>
          <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </div>
    </FormDialog>
  );
}
