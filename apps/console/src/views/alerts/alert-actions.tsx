import { useState } from 'react';
import type { AlertCommand, AlertView, SessionUser } from '@xueliang/contracts';
import { availableCommands } from '../../alert-commands';
import type { CommandOutcome } from '../../hooks/use-alert-command';
import type { DispatchTargets } from '../../hooks/use-dispatch-targets';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { FormDialog } from '../common/form';

/** Commands that need words (or a choice) from the user first. */
const NEEDS_DIALOG: AlertCommand[] = ['dispatch', 'resolve', 'follow-up', 'dismiss', 'reopen', 'comment'];
/** Steps that move the loop forward; the first of these is the primary button. */
const FORWARD: AlertCommand[] = ['ack', 'dispatch', 'accept', 'arrive', 'resolve', 'follow-up', 'close'];

export type RunCommand = (
  alert: AlertView,
  command: AlertCommand,
  extra: Record<string, unknown>,
) => Promise<CommandOutcome>;

/** Why the last command did not go through (someone else acted first, or the api refused). */
export function ConflictBanner({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="conflict" data-testid="conflict">
      {message}
    </div>
  );
}

export function AlertActions({
  alert,
  user,
  targets,
  busy,
  dialog,
  onDialog,
  onRun,
}: {
  alert: AlertView;
  user: SessionUser;
  targets: DispatchTargets;
  busy: AlertCommand | null;
  dialog: AlertCommand | null;
  onDialog(command: AlertCommand | null): void;
  onRun: RunCommand;
}) {
  const { t } = useI18n();
  const commands = availableCommands(alert, user);
  const click = (c: AlertCommand) => {
    if (NEEDS_DIALOG.includes(c)) onDialog(c);
    else void onRun(alert, c, {});
  };
  return (
    <>
      <div className="btn-row" data-testid="alert-actions">
        {commands.length === 0 && <span className="muted">{t('detail.noActions')}</span>}
        {commands.map((c, i) => (
          <button
            key={c}
            type="button"
            className={`btn ${i === 0 && FORWARD.includes(c) ? 'btn-primary' : ''} ${c === 'dismiss' ? 'btn-danger' : ''}`}
            disabled={busy !== null}
            onClick={() => click(c)}
            data-testid={`action-${c}`}
          >
            {t(`action.${c}` as MessageKey)}
            {c === 'ack' && <kbd style={{ marginLeft: 6 }}>a</kbd>}
            {c === 'dispatch' && <kbd style={{ marginLeft: 6 }}>d</kbd>}
          </button>
        ))}
      </div>
      {dialog && commands.includes(dialog) && (
        <CommandDialog
          key={dialog}
          command={dialog}
          alert={alert}
          targets={targets}
          busy={busy !== null}
          onClose={() => onDialog(null)}
          onSubmit={async (extra) => {
            const outcome = await onRun(alert, dialog, extra);
            if (outcome.ok || outcome.conflict) onDialog(null);
            return outcome;
          }}
        />
      )}
    </>
  );
}

function CommandDialog({
  command,
  alert,
  targets,
  busy,
  onClose,
  onSubmit,
}: {
  command: AlertCommand;
  alert: AlertView;
  targets: DispatchTargets;
  busy: boolean;
  onClose(): void;
  onSubmit(extra: Record<string, unknown>): Promise<CommandOutcome>;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [target, setTarget] = useState<string>(
    alert.assignedUnitId
      ? `unit:${alert.assignedUnitId}`
      : alert.assignedUserId
        ? `user:${alert.assignedUserId}`
        : '',
  );
  const [satisfaction, setSatisfaction] = useState(5);

  const valid =
    command === 'dispatch' ? !!target : command === 'follow-up' ? satisfaction >= 1 : text.trim().length > 0;

  /** Answers with the message to show, or null when the dialog may close. */
  const submit = async (): Promise<string | null> => {
    let extra: Record<string, unknown>;
    const note = text.trim() || undefined;
    switch (command) {
      case 'dispatch': {
        const [kind, id] = target.split(':');
        extra = kind === 'unit' ? { unitId: id, note } : { userId: id, note };
        break;
      }
      case 'resolve':
        extra = { outcome: text.trim() };
        break;
      case 'dismiss':
        extra = { reason: text.trim() };
        break;
      case 'follow-up':
        extra = { satisfaction, note };
        break;
      default:
        extra = { note: text.trim() };
    }
    const outcome = await onSubmit(extra);
    return !outcome.ok && !outcome.conflict ? outcome.message : null;
  };

  const textLabel: MessageKey =
    command === 'resolve'
      ? 'resolve.outcome'
      : command === 'dismiss'
        ? 'dismiss.reason'
        : command === 'reopen'
          ? 'reopen.reason'
          : command === 'dispatch'
            ? 'dispatch.note'
            : 'common.note';

  return (
    <FormDialog
      title={`${t(`action.${command}` as MessageKey)} · ${alert.number}`}
      onClose={onClose}
      testId={`dialog-${command}`}
      submitLabel={t(`action.${command}` as MessageKey)}
      canSubmit={valid && !busy}
      onSubmit={submit}
      submitTestId="dialog-submit"
    >
      <div className="muted">{alert.title}</div>
      {command === 'dispatch' && (
        <label className="form-grid">
          <span>{t('dispatch.choose')}</span>
          <select
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            data-testid="dispatch-target"
            autoFocus
          >
            <option value="">—</option>
            <optgroup label={t('dispatch.unit')}>
              {targets.units.map((u) => (
                <option key={u.id} value={`unit:${u.id}`}>
                  {u.name} · {u.regionName}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('dispatch.responder')}>
              {targets.responders.map((u) => (
                <option key={u.id} value={`user:${u.id}`}>
                  {u.displayName} · {u.regionName}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
      )}
      {command === 'follow-up' && (
        <div className="stars" data-testid="satisfaction">
          {t('detail.satisfaction')}:{' '}
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              className={n <= satisfaction ? 'on' : ''}
              onClick={() => setSatisfaction(n)}
              data-testid={`satisfaction-${n}`}
            >
              ★
            </button>
          ))}
        </div>
      )}
      <label style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
        <span className="muted">{t(textLabel)}</span>
        <textarea
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="dialog-text"
          autoFocus={command !== 'dispatch'}
        />
      </label>
    </FormDialog>
  );
}
