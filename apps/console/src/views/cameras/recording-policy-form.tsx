import { useEffect, useState } from 'react';
import {
  RECORDING_LIMITS,
  RECORDING_MODES,
  UpdateRecordingPolicySchema,
  type RecordingPolicy,
} from '@xueliang/contracts';
import { recordingsApi } from '../../api/recording-endpoints';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime } from '../../i18n/format';
import type { MessageKey } from '../../i18n/dictionary';
import { Field } from '../common/form';
import { StateBox } from '../common/state-box';
import { describeError } from '../playback/evidence-dialogs';

/** 录像策略 of one camera (technician, admin): saved on its own, apart from the camera's ONVIF fields. */
export function RecordingPolicyForm({ cameraId }: { cameraId: string }) {
  const { t, locale } = useI18n();
  const policy = useResource(() => recordingsApi.policy(cameraId), [cameraId]);
  const [v, setV] = useState<RecordingPolicy | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (policy.data) {
      const { mode, stream, preEventSeconds, postEventSeconds, retentionDays } = policy.data;
      setV({ mode, stream, preEventSeconds, postEventSeconds, retentionDays });
    }
  }, [policy.data]);

  const set = (patch: Partial<RecordingPolicy>) => {
    setV((prev) => (prev ? { ...prev, ...patch } : prev));
    setMessage(null);
  };
  const parsed = v ? UpdateRecordingPolicySchema.safeParse(v) : null;
  const save = async () => {
    if (!v) return;
    setBusy(true);
    try {
      policy.setData(await recordingsApi.updatePolicy(cameraId, v));
      setMessage({ ok: true, text: t('common.saved') });
    } catch (err) {
      setMessage({ ok: false, text: describeError(err, t) });
    } finally {
      setBusy(false);
    }
  };
  const num = (key: keyof typeof RECORDING_LIMITS, label: MessageKey, disabled = false) => (
    <Field label={t(label)}>
      <input
        type="number"
        min={RECORDING_LIMITS[key].min}
        max={RECORDING_LIMITS[key].max}
        value={v ? v[key] : ''}
        disabled={disabled}
        onChange={(e) => set({ [key]: Number(e.target.value) })}
        data-testid={`policy-${key}`}
      />
    </Field>
  );

  return (
    <fieldset className="policy-form" data-testid="recording-policy">
      <legend>{t('policy.title')}</legend>
      <StateBox loading={policy.loading} error={policy.error} empty={!v} onRetry={policy.reload}>
        {v && (
          <>
            <div className="form-grid">
              <Field label={t('policy.mode')}>
                <select
                  value={v.mode}
                  onChange={(e) => set({ mode: e.target.value as RecordingPolicy['mode'] })}
                  data-testid="policy-mode"
                >
                  {RECORDING_MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`policy.mode.${m}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('policy.stream')}>
                <select
                  value={v.stream}
                  onChange={(e) => set({ stream: e.target.value as RecordingPolicy['stream'] })}
                  data-testid="policy-stream"
                >
                  <option value="sub">{t('policy.stream.sub')}</option>
                  <option value="main">{t('policy.stream.main')}</option>
                </select>
              </Field>
              {num('preEventSeconds', 'policy.pre', v.mode !== 'events')}
              {num('postEventSeconds', 'policy.post', v.mode !== 'events')}
              {num('retentionDays', 'policy.retention')}
            </div>
            <div className="toolbar">
              <span className="muted small">
                {policy.data?.custom
                  ? `${t('policy.custom')} · ${formatDateTime(policy.data.updatedAt, locale)}`
                  : t('policy.default')}
              </span>
              <span className="spacer" />
              {parsed && !parsed.success && (
                <span className="text-error small">
                  {parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}
                </span>
              )}
              {message && (
                <span
                  className={message.ok ? 'text-ok small' : 'text-error small'}
                  data-testid="policy-message"
                >
                  {message.text}
                </span>
              )}
              <button
                type="button"
                className="btn btn-small btn-primary"
                disabled={busy || !parsed?.success}
                onClick={() => void save()}
                data-testid="policy-save"
              >
                {t('policy.save')}
              </button>
            </div>
          </>
        )}
      </StateBox>
    </fieldset>
  );
}
