import { useState } from 'react';
import type { AlertView } from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Deadline } from '../alerts/deadline';

type TaskCommand = 'accept' | 'arrive' | 'resolve';
const NEXT: Partial<Record<AlertView['status'], TaskCommand>> = {
  DISPATCHED: 'accept',
  ACCEPTED: 'arrive',
  ON_SCENE: 'resolve',
};

export function TaskCard({
  alert,
  now,
  busy,
  message,
  onAct,
}: {
  alert: AlertView;
  now: number;
  busy: boolean;
  message?: string;
  onAct(alert: AlertView, command: TaskCommand, note: string): Promise<boolean>;
}) {
  const { t, locale } = useI18n();
  const [note, setNote] = useState('');
  const next = NEXT[alert.status];
  return (
    <article
      className="task-card"
      data-testid="task-card"
      data-alert-id={alert.id}
      data-status={alert.status}
    >
      <div className="btn-row">
        <span className={`badge badge-${alert.priority}`}>
          {t(`priority.${alert.priority}` as MessageKey)}
        </span>
        <span className="badge badge-status">{t(`status.${alert.status}` as MessageKey)}</span>
        <Deadline alert={alert} now={now} />
      </div>
      <strong>{alert.title}</strong>
      <div className="muted small">
        {alert.number} · {alert.regionName} · {formatDateTime(alert.firstSeenAt, locale)}
      </div>
      {alert.description && <div className="small">{alert.description}</div>}
      {alert.location && (
        <div className="small muted">
          {alert.location.lat.toFixed(5)}, {alert.location.lon.toFixed(5)}
        </div>
      )}
      {next && (
        <>
          <textarea
            value={note}
            placeholder={t('tasks.notePlaceholder')}
            onChange={(e) => setNote(e.target.value)}
            data-testid="task-note"
          />
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || (next === 'resolve' && !note.trim())}
            data-testid={`task-${next}`}
            onClick={async () => {
              if (await onAct(alert, next, note.trim())) setNote('');
            }}
          >
            {t(`action.${next}` as MessageKey)}
          </button>
        </>
      )}
      {message && <div className="form-error">{message}</div>}
    </article>
  );
}
