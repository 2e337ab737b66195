import { useState } from 'react';
import type { AlertView } from '@xueliang/contracts';
import { ApiRequestError } from '../../api/client';
import { exportsApi, locksApi } from '../../api/recording-endpoints';
import { useI18n, type Translate } from '../../i18n/i18n-provider';
import { formatDateTime, formatDuration } from '../../i18n/format';
import { Field, FormDialog } from '../common/form';
import type { Span } from './timeline-math';

/** An api refusal in one line, with the field the api named. */
export function describeError(err: unknown, t: Translate): string {
  if (err instanceof ApiRequestError) {
    if (err.status === 403) return t('common.forbidden');
    const issues = err.body.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    return issues && issues !== err.message ? `${err.message} (${issues})` : err.message;
  }
  return String(err);
}

interface EvidenceProps {
  cameras: { id: string; name: string }[];
  range: Span;
  /** Alerts of these cameras around the range, offered as the link. */
  alerts: AlertView[];
  onClose(): void;
}

function RangeLine({ range }: { range: Span }) {
  const { locale } = useI18n();
  return (
    <span className="mono" data-testid="evidence-range">
      {formatDateTime(new Date(range.start).toISOString(), locale)} –{' '}
      {formatDateTime(new Date(range.end).toISOString(), locale)} ({formatDuration(range.end - range.start)})
    </span>
  );
}

function CameraChecks({
  cameras,
  chosen,
  onChange,
}: {
  cameras: { id: string; name: string }[];
  chosen: Set<string>;
  onChange(next: Set<string>): void;
}) {
  return (
    <div className="check-list">
      {cameras.map((c) => (
        <label key={c.id} className="check">
          <input
            type="checkbox"
            checked={chosen.has(c.id)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(c.id);
              else next.delete(c.id);
              onChange(next);
            }}
          />
          {c.name}
        </label>
      ))}
    </div>
  );
}

function AlertSelect({
  alerts,
  value,
  onChange,
}: {
  alerts: AlertView[];
  value: string;
  onChange(v: string): void;
}) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="evidence-alert">
      <option value="">{t('evidence.noAlert')}</option>
      {alerts.map((a) => (
        <option key={a.id} value={a.id}>
          {a.number} · {a.title}
        </option>
      ))}
    </select>
  );
}

/** The choices both evidence dialogs ask for: cameras, a reason and the alert they belong to. */
interface EvidenceForm {
  chosen: Set<string>;
  setChosen(next: Set<string>): void;
  reason: string;
  setReason(v: string): void;
  alertId: string;
  setAlertId(v: string): void;
}

function useEvidenceForm(cameras: { id: string }[]): EvidenceForm {
  const [chosen, setChosen] = useState(() => new Set(cameras.map((c) => c.id)));
  const [reason, setReason] = useState('');
  const [alertId, setAlertId] = useState('');
  return { chosen, setChosen, reason, setReason, alertId, setAlertId };
}

/** Range, cameras, reason and alert: the fields export and lock share, in that order. */
function EvidenceFields({
  cameras,
  range,
  alerts,
  form,
}: Pick<EvidenceProps, 'cameras' | 'range' | 'alerts'> & { form: EvidenceForm }) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t('evidence.range')}>
        <RangeLine range={range} />
      </Field>
      <Field label={t('evidence.cameras')}>
        <CameraChecks cameras={cameras} chosen={form.chosen} onChange={form.setChosen} />
      </Field>
      <Field label={t('evidence.reason')}>
        <textarea
          value={form.reason}
          maxLength={500}
          rows={3}
          onChange={(e) => form.setReason(e.target.value)}
          data-testid="evidence-reason"
        />
      </Field>
      <Field label={t('evidence.alert')}>
        <AlertSelect alerts={alerts} value={form.alertId} onChange={form.setAlertId} />
      </Field>
    </>
  );
}

/** 导出: MP4 files of the chosen cameras over the selection, with a reason (audited, in the manifest). */
export function ExportDialog({
  cameras,
  range,
  alerts,
  onClose,
  onDone,
}: EvidenceProps & { onDone(id: string): void }) {
  const { t } = useI18n();
  const form = useEvidenceForm(cameras);
  const { chosen, reason, alertId } = form;
  return (
    <FormDialog
      title={t('playback.export')}
      onClose={onClose}
      canSubmit={!!reason.trim() && chosen.size > 0}
      submitLabel={t('evidence.startExport')}
      testId="export-dialog"
      submitTestId="export-submit"
      onSubmit={async () => {
        try {
          const from = new Date(range.start).toISOString();
          const to = new Date(range.end).toISOString();
          const created = await exportsApi.create({
            items: cameras.filter((c) => chosen.has(c.id)).map((c) => ({ cameraId: c.id, from, to })),
            reason: reason.trim(),
            alertId: alertId || null,
          });
          onDone(created.id);
          return null;
        } catch (err) {
          return describeError(err, t);
        }
      }}
    >
      <div className="form-grid">
        <EvidenceFields cameras={cameras} range={range} alerts={alerts} form={form} />
      </div>
    </FormDialog>
  );
}

/** 证据锁定: keeps the footage beyond retention and quota cleanup, until released or expired. */
export function EvidenceLockDialog({
  cameras,
  range,
  alerts,
  onClose,
  onDone,
}: EvidenceProps & { onDone(): void }) {
  const { t } = useI18n();
  const form = useEvidenceForm(cameras);
  const { chosen, reason, alertId } = form;
  const [expires, setExpires] = useState('');
  return (
    <FormDialog
      title={t('playback.lock')}
      onClose={onClose}
      canSubmit={!!reason.trim() && chosen.size > 0}
      submitLabel={t('evidence.lockSubmit')}
      testId="lock-dialog"
      submitTestId="lock-submit"
      onSubmit={async () => {
        try {
          await locksApi.create({
            cameraIds: [...chosen],
            from: new Date(range.start).toISOString(),
            to: new Date(range.end).toISOString(),
            reason: reason.trim(),
            alertId: alertId || null,
            // The picker's local time is the monitoring centre's (UTC+8).
            expiresAt: expires ? new Date(`${expires}:00+08:00`).toISOString() : null,
          });
          onDone();
          return null;
        } catch (err) {
          return describeError(err, t);
        }
      }}
    >
      <div className="form-grid">
        <EvidenceFields cameras={cameras} range={range} alerts={alerts} form={form} />
        <Field label={t('evidence.expires')}>
          <input
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            data-testid="lock-expires"
          />
        </Field>
      </div>
      <p className="muted small">{t('evidence.lockHint')}</p>
    </FormDialog>
  );
}
