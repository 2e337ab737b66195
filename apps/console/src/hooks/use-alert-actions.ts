import { useState } from 'react';
import type { AlertCommand, AlertView } from '@xueliang/contracts';
import { useSession } from '../api/session-provider';
import { useI18n } from '../i18n/i18n-provider';
import type { RunCommand } from '../views/alerts/alert-actions';
import { useAlertCommand } from './use-alert-command';
import { useDispatchTargets } from './use-dispatch-targets';

/**
 * What the desk and the detail page both keep around one alert's buttons: the open command
 * dialog, the last refusal to show above the alert, and who can be dispatched to.
 */
export function useAlertActions(onChanged: (alert: AlertView) => void) {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const { run, busy } = useAlertCommand(onChanged);
  const targets = useDispatchTargets(hasRole('dispatcher', 'supervisor'));
  const [dialog, setDialog] = useState<AlertCommand | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);

  const runCommand: RunCommand = async (alert, command, extra) => {
    setConflict(null);
    const outcome = await run(alert, command, extra as never);
    if (!outcome.ok) setConflict(outcome.conflict ? t('detail.conflict') : outcome.message);
    return outcome;
  };

  return {
    conflict,
    setConflict,
    setDialog,
    runCommand,
    /** Spread into <AlertActions>. */
    actionProps: { targets, busy, dialog, onDialog: setDialog, onRun: runCommand },
  };
}
