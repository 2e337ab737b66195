import {
  decide,
  type AlertCommand,
  type AlertStatus,
  type AlertView,
  type SessionUser,
  type SlaStage,
} from '@xueliang/contracts';

/** Order of the buttons: the step that moves the loop forward comes first. */
const COMMAND_ORDER: AlertCommand[] = [
  'ack',
  'dispatch',
  'accept',
  'arrive',
  'resolve',
  'follow-up',
  'close',
  'escalate',
  'dismiss',
  'reopen',
  'comment',
];

/**
 * The buttons to draw, from the api's own state machine (@xueliang/contracts alert-workflow).
 * Whether a responder's unit covers the alert needs the unit's region, which the console does not
 * have, so responders are shown their steps and the api refuses a click that is not theirs.
 */
export function availableCommands(alert: AlertView, user: SessionUser): AlertCommand[] {
  const actor = { roles: user.roles, assignedToActor: true };
  return COMMAND_ORDER.filter((c) => decide(c, alert, actor).ok);
}

/** The deadline stage an alert is waiting on in each open state. */
const PENDING_STAGE: Partial<Record<AlertStatus, SlaStage>> = {
  NEW: 'acknowledge',
  ACKNOWLEDGED: 'dispatch',
  DISPATCHED: 'accept',
  ACCEPTED: 'arrive',
  ON_SCENE: 'resolve',
};

export function pendingDeadline(alert: AlertView): { stage: SlaStage; due: string } | null {
  const stage = PENDING_STAGE[alert.status];
  const due = stage ? alert.deadlines?.[stage] : undefined;
  return stage && due ? { stage, due } : null;
}
