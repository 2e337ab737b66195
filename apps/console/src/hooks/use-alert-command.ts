import { useCallback, useState } from 'react';
import type { AlertCommand, AlertCommandBody, AlertView } from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { alertsApi } from '../api/endpoints';

export type CommandOutcome =
  { ok: true; alert: AlertView } | { ok: false; conflict: AlertView | null; message: string; status: number };

/**
 * Runs one alert command with the version the user saw. A 409 ("someone else acted") answers
 * with the fresh alert, which the caller shows instead of the stale one.
 */
export function useAlertCommand(onChanged?: (alert: AlertView) => void) {
  const [busy, setBusy] = useState<AlertCommand | null>(null);
  const [last, setLast] = useState<CommandOutcome | null>(null);
  const run = useCallback(
    async <C extends AlertCommand>(
      alert: AlertView,
      command: C,
      extra: Omit<AlertCommandBody<C>, 'version'>,
    ): Promise<CommandOutcome> => {
      setBusy(command);
      let outcome: CommandOutcome;
      try {
        const body = { ...extra, version: alert.version } as AlertCommandBody<C>;
        const updated = await alertsApi.command(alert.id, command, body);
        outcome = { ok: true, alert: updated };
        onChanged?.(updated);
      } catch (err) {
        const e = err instanceof ApiRequestError ? err : new ApiRequestError(0, { message: String(err) }, '');
        const fresh = e.status === 409 ? ((e.body.alert as AlertView | undefined) ?? null) : null;
        if (fresh) onChanged?.(fresh);
        outcome = { ok: false, conflict: fresh, message: e.message, status: e.status };
      } finally {
        setBusy(null);
      }
      setLast(outcome);
      return outcome;
    },
    [onChanged],
  );
  return { run, busy, last, clear: () => setLast(null) };
}
