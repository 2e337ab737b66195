import type { AlertChangeMessage, AlertOverdueMessage, AlertView } from '@xueliang/contracts';

/**
 * How a pushed alert changes a list of alerts held by id: pure, so the desk, the map and the
 * detail page apply pushes the same way and tests can check it without a browser.
 */

/** The alert as an alert.overdue push says it is now: its view, with the missed stage marked. */
export function overdueAlert(message: AlertOverdueMessage): AlertView {
  const a = message.alert;
  const stages = a.overdueStages ?? [];
  return stages.includes(message.stage) ? a : { ...a, overdueStages: [...stages, message.stage] };
}

/** The alert a push carries, whichever event it came on. */
export function pushedAlert(message: AlertChangeMessage | AlertOverdueMessage): AlertView {
  return 'stage' in message ? overdueAlert(message) : message.alert;
}

/**
 * The inbox after one pushed alert: an older version never replaces a newer one; an alert that
 * matches the list's filter is put in, one that no longer matches is taken out. Answers `byId`
 * itself when nothing changed, so React skips the render.
 */
export function mergePushedAlert(
  byId: ReadonlyMap<string, AlertView>,
  alert: AlertView,
  matches: boolean,
): ReadonlyMap<string, AlertView> {
  const have = byId.get(alert.id);
  if (have && have.version > alert.version) return byId;
  if (!matches && !have) return byId;
  const next = new Map(byId);
  if (matches) next.set(alert.id, alert);
  else next.delete(alert.id);
  return next;
}
