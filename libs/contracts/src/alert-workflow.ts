import type { AlertCommand } from './alerts';
import { ALERT_STATUSES, type AlertStatus, type Role } from './domain';

/**
 * The alert state machine: the one place that says which command moves an alert from which
 * state to which, and who may give it. Pure and browser-safe (no database, no clock, no Node),
 * so the api decides with it and the console draws its buttons from the same table.
 *
 *   NEW ─ack→ ACKNOWLEDGED ─dispatch→ DISPATCHED ─accept→ ACCEPTED ─arrive→ ON_SCENE ─resolve→ RESOLVED ─close→ CLOSED
 *   NEW|ACKNOWLEDGED ─dismiss(reason)→ DISMISSED
 *   DISPATCHED|ACCEPTED ─dispatch→ DISPATCHED          (re-dispatch to another unit or responder)
 *   RESOLVED ─follow-up(satisfaction)→ RESOLVED        (回访; close needs it)
 *   RESOLVED ─reopen(why)→ ACKNOWLEDGED                (supervisor; the dispatcher routes it again)
 *   any open state ─escalate→ same state, owned by the parent region
 *   any state ─comment→ same state
 *
 * Who (ALERT_COMMAND_ROLES below; @xueliang/auth's PERMISSIONS reads its alert.* entries from
 * it; region is checked by the api):
 *   | command   | duty_officer | dispatcher | supervisor | responder        | technician | admin |
 *   | ack       | yes          | yes        | yes        |                  |            |       |
 *   | dispatch  |              | yes        | yes        |                  |            |       |
 *   | accept    |              |            |            | when assigned*   |            |       |
 *   | arrive    |              |            |            | when assigned*   |            |       |
 *   | resolve   |              |            |            | when assigned*   |            |       |
 *   | follow-up |              |            | yes        |                  |            |       |
 *   | close     |              |            | yes        |                  |            |       |
 *   | dismiss   | yes          | yes        | yes        |                  |            |       |
 *   | escalate  | yes          | yes        | yes        |                  |            |       |
 *   | reopen    |              |            | yes        |                  |            |       |
 *   | comment   | yes          | yes        | yes        | yes              | yes        |       |
 *   * assigned: assignedUserId is the responder, or the assigned unit's region is inside the
 *     responder's region subtree. Working that out needs the unit's region (a database read),
 *     so the caller passes the answer in as `assignedToActor`.
 *
 * Refusals: a role that may not give the command → 403; a command the state does not allow →
 * 409 with reason "illegal_transition" (the same status a stale version gets, reason
 * "stale_version"; both carry the current alert so the console can redraw).
 */
const OPEN: readonly AlertStatus[] = ['NEW', 'ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED', 'ON_SCENE'];

export interface AlertTransitionRule {
  from: readonly AlertStatus[];
  /** null: the status stays as it is. */
  to: AlertStatus | null;
}

const ALERT_TRANSITIONS: Record<AlertCommand, AlertTransitionRule> = {
  ack: { from: ['NEW'], to: 'ACKNOWLEDGED' },
  dispatch: { from: ['ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED'], to: 'DISPATCHED' },
  accept: { from: ['DISPATCHED'], to: 'ACCEPTED' },
  arrive: { from: ['ACCEPTED'], to: 'ON_SCENE' },
  resolve: { from: ['ON_SCENE'], to: 'RESOLVED' },
  'follow-up': { from: ['RESOLVED'], to: null },
  close: { from: ['RESOLVED'], to: 'CLOSED' },
  dismiss: { from: ['NEW', 'ACKNOWLEDGED'], to: 'DISMISSED' },
  escalate: { from: OPEN, to: null },
  reopen: { from: ['RESOLVED'], to: 'ACKNOWLEDGED' },
  comment: { from: ALERT_STATUSES, to: null },
};

/** Roles that may give each command (responders additionally need the alert assigned to them). */
export const ALERT_COMMAND_ROLES = {
  ack: ['duty_officer', 'dispatcher', 'supervisor'],
  dispatch: ['dispatcher', 'supervisor'],
  accept: ['responder'],
  arrive: ['responder'],
  resolve: ['responder'],
  'follow-up': ['supervisor'],
  close: ['supervisor'],
  dismiss: ['duty_officer', 'dispatcher', 'supervisor'],
  escalate: ['duty_officer', 'dispatcher', 'supervisor'],
  reopen: ['supervisor'],
  comment: ['duty_officer', 'dispatcher', 'supervisor', 'responder', 'technician'],
} as const satisfies Record<AlertCommand, readonly Role[]>;

export const ALERT_COMMANDS = Object.keys(ALERT_TRANSITIONS) as AlertCommand[];

/** Commands a responder may give only on work assigned to them. */
const ASSIGNED_ONLY: readonly AlertCommand[] = ['accept', 'arrive', 'resolve'];

function rolesForCommand(command: AlertCommand): readonly Role[] {
  return ALERT_COMMAND_ROLES[command];
}

export interface WorkflowAlert {
  status: AlertStatus;
  satisfaction: number | null;
}

export interface WorkflowActor {
  roles: readonly Role[];
  /** For responders: is the alert assigned to them (or their unit's subtree)? */
  assignedToActor: boolean;
}

export type WorkflowDecision =
  { ok: true; to: AlertStatus } | { ok: false; refusal: 'forbidden' | 'illegal_transition'; message: string };

/** Decides one command. Role first (403), then state (409), then the responder's assignment (403). */
export function decide(command: AlertCommand, alert: WorkflowAlert, actor: WorkflowActor): WorkflowDecision {
  const allowed = rolesForCommand(command);
  const roles = actor.roles.filter((r) => allowed.includes(r));
  if (!roles.length) {
    return { ok: false, refusal: 'forbidden', message: `your roles may not ${command} an alert` };
  }
  const rule = ALERT_TRANSITIONS[command];
  if (!rule.from.includes(alert.status)) {
    return {
      ok: false,
      refusal: 'illegal_transition',
      message: `cannot ${command} an alert that is ${alert.status}`,
    };
  }
  if (command === 'close' && alert.satisfaction === null) {
    return {
      ok: false,
      refusal: 'illegal_transition',
      message: 'cannot close an alert that is RESOLVED without a follow-up (record satisfaction first)',
    };
  }
  const onlyAsResponder = roles.every((r) => r === 'responder');
  if (
    onlyAsResponder &&
    (ASSIGNED_ONLY.includes(command) || command === 'comment') &&
    !actor.assignedToActor
  ) {
    return {
      ok: false,
      refusal: 'forbidden',
      message: `only the assigned responder may ${command} this alert`,
    };
  }
  return { ok: true, to: rule.to ?? alert.status };
}
