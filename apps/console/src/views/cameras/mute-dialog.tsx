import { useState } from 'react';
import { ALERT_TYPES, type AlertType, type CameraView, type CreateMute } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Dialog } from '../common/dialog';

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
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={`${t('mute.action')} · ${camera.name}`}
      onClose={onClose}
      testId="mute-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!reason.trim() || minutes < 1}
            onClick={async () =>
              setError(
                await onSubmit({
                  cameraId: camera.id,
                  minutes,
                  reason: reason.trim(),
                  ...(type ? { alertType: type } : {}),
                }),
              )
            }
          >
            {t('mute.action')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label>{t('mute.minutes')}</label>
        <input
          type="number"
          min={1}
          max={10080}
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
        <label>{t('mute.type')}</label>
        <select value={type} onChange={(e) => setType(e.target.value as AlertType | '')}>
          <option value="">{t('common.all')}</option>
          {ALERT_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`type.${x}` as MessageKey)}
            </option>
          ))}
        </select>
        <label>{t('mute.reason')}</label>
        <input value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      </div>
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}
