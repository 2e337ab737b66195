import { useState } from 'react';
import {
  REPORTABLE_ALERT_TYPES,
  type AlertType,
  type CameraView,
  type CreateMute,
} from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { EnumSelect, Field, FormDialog, TextField } from '../common/form';

/** Silence one camera's alerts for a while (maintenance, a known false trigger); events are still recorded. */
export function MuteDialog({
  camera,
  onClose,
  onSubmit,
}: {
  camera: CameraView;
  onClose(): void;
  onSubmit(body: CreateMute): Promise<string | null>;
}) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState(60);
  const [type, setType] = useState<AlertType | ''>('');
  const [reason, setReason] = useState('');
  return (
    <FormDialog
      title={`${t('mute.action')} · ${camera.name}`}
      onClose={onClose}
      testId="mute-dialog"
      submitLabel={t('mute.action')}
      canSubmit={!!reason.trim() && minutes >= 1}
      onSubmit={() =>
        onSubmit({
          cameraId: camera.id,
          minutes,
          reason: reason.trim(),
          ...(type ? { alertType: type } : {}),
        })
      }
    >
      <div className="form-grid">
        <TextField
          label={t('mute.minutes')}
          type="number"
          min={1}
          max={10080}
          value={String(minutes)}
          onChange={(value) => setMinutes(Number(value))}
        />
        <Field label={t('mute.type')}>
          <EnumSelect
            values={REPORTABLE_ALERT_TYPES}
            prefix="type"
            value={type}
            onChange={setType}
            all={t('common.all')}
          />
        </Field>
        <TextField label={t('mute.reason')} value={reason} onChange={setReason} autoFocus />
      </div>
    </FormDialog>
  );
}
