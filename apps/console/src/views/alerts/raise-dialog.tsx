import { useState } from 'react';
import {
  ALERT_TYPES,
  PRIORITIES,
  type AlertType,
  type Priority,
  type RaiseAlert,
  type RegionView,
} from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Dialog } from '../common/dialog';

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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const err = await onSubmit({
      type,
      priority,
      title: title.trim(),
      description,
      regionId,
      source: 'manual',
    });
    setBusy(false);
    if (err) setError(err);
  };
  return (
    <Dialog
      title={t('raise.title')}
      onClose={onClose}
      testId="dialog-raise"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!title.trim() || busy} onClick={submit}>
            {t('desk.raise')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>{t('desk.filter.type')}</label>
        <select value={type} onChange={(e) => setType(e.target.value as AlertType)}>
          {ALERT_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`type.${x}` as MessageKey)}
            </option>
          ))}
        </select>
        <label>{t('desk.filter.priority')}</label>
        <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
          {PRIORITIES.map((x) => (
            <option key={x} value={x}>
              {t(`priority.${x}` as MessageKey)}
            </option>
          ))}
        </select>
        <label>{t('common.region')}</label>
        <select value={regionId} onChange={(e) => setRegionId(e.target.value)}>
          {regions.map((r) => (
            <option key={r.id} value={r.id}>
              {'　'.repeat(Math.max(0, r.path.split('.').length - 2))}
              {r.name}
            </option>
          ))}
        </select>
        <label>{t('raise.titleField')}</label>
        <input value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
        <label>{t('raise.description')}</label>
        <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}
