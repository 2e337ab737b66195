import type { AlertCommand, AlertStatus, AlertView, Role, SessionUser, SlaStage } from '@xueliang/contracts';
import { OPEN_ALERT_STATUSES } from '@xueliang/contracts';

/**
 * The console's copy of the alert state machine (the api's alert-workflow.ts decides; this only
 * chooses which buttons to draw, so a refused click is rare rather than impossible).
 */
const FROM: Record<AlertCommand, readonly AlertStatus[]> = {
  ack: ['NEW'],
  dispatch: ['ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED'],
  accept: ['DISPATCHED'],
  arrive: ['ACCEPTED'],
  resolve: ['ON_SCENE'],
  'follow-up': ['RESOLVED'],
  close: ['RESOLVED'],
  dismiss: ['NEW', 'ACKNOWLEDGED'],
  escalate: OPEN_ALERT_STATUSES,
  reopen: ['RESOLVED'],
  comment: ['NEW', 'ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED', 'ON_SCENE', 'RESOLVED', 'CLOSED', 'DISMISSED'],
};

const WHO: Record<AlertCommand, readonly Role[]> = {
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
};

/** Order of the buttons: the step that moves the loop forward comes first. */
export const COMMAND_ORDER: AlertCommand[] = [
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

export function availableCommands(alert: AlertView, user: SessionUser): AlertCommand[] {
  return COMMAND_ORDER.filter((c) => {
    if (!FROM[c].includes(alert.status)) return false;
    if (!WHO[c].some((r) => user.roles.includes(r))) return false;
    if (c === 'close' && alert.satisfaction === null) return false;
    return true;
  });
}

/** The deadline stage an alert is waiting on in each open state. */
export const PENDING_STAGE: Partial<Record<AlertStatus, SlaStage>> = {
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
