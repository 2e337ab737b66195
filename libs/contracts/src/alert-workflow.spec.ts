import { ALERT_COMMANDS, decide } from './alert-workflow';
import { ALERT_STATUSES, type AlertStatus, type Role } from './domain';
import type { AlertCommand } from './alerts';

const ALL_ROLES: Role[] = ['duty_officer', 'dispatcher', 'supervisor', 'responder', 'technician'];
const superUser = { roles: ALL_ROLES, assignedToActor: true };

/** Expected next status for every state × command; '-' means refused as an illegal transition. */
const TABLE: Record<AlertStatus, Record<AlertCommand, AlertStatus | '-'>> = {
  NEW: {
    ack: 'ACKNOWLEDGED',
    dispatch: '-',
    accept: '-',
    arrive: '-',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: 'DISMISSED',
    escalate: 'NEW',
    reopen: '-',
    comment: 'NEW',
  },
  ACKNOWLEDGED: {
    ack: '-',
    dispatch: 'DISPATCHED',
    accept: '-',
    arrive: '-',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: 'DISMISSED',
    escalate: 'ACKNOWLEDGED',
    reopen: '-',
    comment: 'ACKNOWLEDGED',
  },
  DISPATCHED: {
    ack: '-',
    dispatch: 'DISPATCHED',
    accept: 'ACCEPTED',
    arrive: '-',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: '-',
    escalate: 'DISPATCHED',
    reopen: '-',
    comment: 'DISPATCHED',
  },
  ACCEPTED: {
    ack: '-',
    dispatch: 'DISPATCHED',
    accept: '-',
    arrive: 'ON_SCENE',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: '-',
    escalate: 'ACCEPTED',
    reopen: '-',
    comment: 'ACCEPTED',
  },
  ON_SCENE: {
    ack: '-',
    dispatch: '-',
    accept: '-',
    arrive: '-',
    resolve: 'RESOLVED',
    'follow-up': '-',
    close: '-',
    dismiss: '-',
    escalate: 'ON_SCENE',
    reopen: '-',
    comment: 'ON_SCENE',
  },
  RESOLVED: {
    ack: '-',
    dispatch: '-',
    accept: '-',
    arrive: '-',
    resolve: '-',
    'follow-up': 'RESOLVED',
    close: 'CLOSED',
    dismiss: '-',
    escalate: '-',
    reopen: 'ACKNOWLEDGED',
    comment: 'RESOLVED',
  },
  CLOSED: {
    ack: '-',
    dispatch: '-',
    accept: '-',
    arrive: '-',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: '-',
    escalate: '-',
    reopen: '-',
    comment: 'CLOSED',
  },
  DISMISSED: {
    ack: '-',
    dispatch: '-',
    accept: '-',
    arrive: '-',
    resolve: '-',
    'follow-up': '-',
    close: '-',
    dismiss: '-',
    escalate: '-',
    reopen: '-',
    comment: 'DISMISSED',
  },
};

describe('alert state machine: every state × command', () => {
  const cases = ALERT_STATUSES.flatMap((status) =>
    ALERT_COMMANDS.map((command) => [status, command, TABLE[status][command]] as const),
  );
  it.each(cases)('%s + %s → %s', (status, command, expected) => {
    // A followed-up alert so that close is decided by state alone.
    const d = decide(command, { status, satisfaction: 5 }, superUser);
    if (expected === '-') {
      expect(d).toMatchObject({ ok: false, refusal: 'illegal_transition' });
      if (!d.ok) expect(d.message).toContain(status);
    } else {
      expect(d).toEqual({ ok: true, to: expected });
    }
  });

  it('close needs a follow-up first', () => {
    const d = decide('close', { status: 'RESOLVED', satisfaction: null }, superUser);
    expect(d).toMatchObject({ ok: false, refusal: 'illegal_transition' });
  });
});

describe('who may give which command', () => {
  const MATRIX: Record<Exclude<Role, 'admin'>, AlertCommand[]> = {
    duty_officer: ['ack', 'dismiss', 'escalate', 'comment'],
    dispatcher: ['ack', 'dispatch', 'dismiss', 'escalate', 'comment'],
    supervisor: ['ack', 'dispatch', 'follow-up', 'close', 'dismiss', 'escalate', 'reopen', 'comment'],
    responder: ['accept', 'arrive', 'resolve', 'comment'],
    technician: ['comment'],
  };
  const anyState = (command: AlertCommand): AlertStatus =>
    ALERT_STATUSES.find((s) => TABLE[s][command] !== '-')!;

  it.each(Object.entries(MATRIX))('%s', (role, allowed) => {
    for (const command of ALERT_COMMANDS) {
      const d = decide(
        command,
        { status: anyState(command), satisfaction: 4 },
        { roles: [role as Role], assignedToActor: true },
      );
      expect([command, d.ok]).toEqual([command, allowed.includes(command)]);
      if (!d.ok) expect(d.refusal).toBe('forbidden');
    }
  });

  it('admin may do nothing on alerts', () => {
    for (const command of ALERT_COMMANDS) {
      const d = decide(
        command,
        { status: anyState(command), satisfaction: 4 },
        { roles: ['admin'], assignedToActor: true },
      );
      expect(d.ok).toBe(false);
    }
  });

  it('a responder acts only on work assigned to them', () => {
    const unassigned = { roles: ['responder'] as Role[], assignedToActor: false };
    for (const [command, status] of [
      ['accept', 'DISPATCHED'],
      ['arrive', 'ACCEPTED'],
      ['resolve', 'ON_SCENE'],
    ] as const) {
      expect(decide(command, { status, satisfaction: null }, unassigned)).toMatchObject({
        ok: false,
        refusal: 'forbidden',
      });
      expect(
        decide(command, { status, satisfaction: null }, { ...unassigned, assignedToActor: true }).ok,
      ).toBe(true);
    }
  });
});
