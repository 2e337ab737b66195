import type { AlertCommand, AlertStatus, AlertView } from '@xueliang/contracts';
import { alertCommandChange, type AlertCommandChange, type AlertCommandContext } from './alert-command-patch';
import { alertView } from './alert-view.fixture';

const now = new Date('2026-12-01T09:00:00.000Z');
const earlier = '2026-12-01T08:30:00.000Z';
const unit = { unitId: 'unit-1', userId: null, name: '清泉派出所' };
const parent = { id: 'county', path: '620799.', name: '清水县' };

interface Case {
  what: string;
  command: AlertCommand;
  alert?: Partial<AlertView>;
  body?: Record<string, unknown>;
  ctx: Partial<AlertCommandContext> & { to: AlertStatus };
  expected: AlertCommandChange;
}

const cases: Case[] = [
  {
    what: 'ack stamps the first acknowledgement',
    command: 'ack',
    ctx: { to: 'ACKNOWLEDGED' },
    expected: { patch: { status: 'ACKNOWLEDGED', acknowledged_at: now }, note: null, data: {} },
  },
  {
    what: 'ack keeps an earlier acknowledgement time',
    command: 'ack',
    alert: { acknowledgedAt: earlier },
    body: { note: '已受理' },
    ctx: { to: 'ACKNOWLEDGED' },
    expected: { patch: { status: 'ACKNOWLEDGED', acknowledged_at: earlier }, note: '已受理', data: {} },
  },
  {
    what: 'dispatch assigns the target and says so in the note',
    command: 'dispatch',
    alert: { status: 'ACKNOWLEDGED' },
    ctx: { to: 'DISPATCHED', target: unit },
    expected: {
      patch: { status: 'DISPATCHED', dispatched_at: now, assigned_unit_id: 'unit-1', assigned_user_id: null },
      note: '交办至 清泉派出所',
      data: { unitId: 'unit-1', userId: null, to: '清泉派出所' },
    },
  },
  {
    what: 're-dispatch keeps the status and the first dispatch time, and the dispatcher’s note',
    command: 'dispatch',
    alert: { status: 'DISPATCHED', dispatchedAt: earlier },
    body: { note: '改派' },
    ctx: { to: 'DISPATCHED', target: { unitId: null, userId: 'user-9', name: '王五' } },
    expected: {
      patch: { dispatched_at: earlier, assigned_unit_id: null, assigned_user_id: 'user-9' },
      note: '改派',
      data: { unitId: null, userId: 'user-9', to: '王五' },
    },
  },
  {
    what: 'accept',
    command: 'accept',
    alert: { status: 'DISPATCHED' },
    ctx: { to: 'ACCEPTED' },
    expected: { patch: { status: 'ACCEPTED', accepted_at: now }, note: null, data: {} },
  },
  {
    what: 'arrive keeps an earlier arrival',
    command: 'arrive',
    alert: { status: 'ACCEPTED', arrivedAt: earlier },
    ctx: { to: 'ON_SCENE' },
    expected: { patch: { status: 'ON_SCENE', arrived_at: earlier }, note: null, data: {} },
  },
  {
    what: 'resolve records the outcome as the note',
    command: 'resolve',
    alert: { status: 'ON_SCENE' },
    body: { outcome: '已劝离', note: 'ignored' },
    ctx: { to: 'RESOLVED' },
    expected: {
      patch: { status: 'RESOLVED', resolved_at: now, outcome: '已劝离' },
      note: '已劝离',
      data: {},
    },
  },
  {
    what: 'follow-up records satisfaction without a status change',
    command: 'follow-up',
    alert: { status: 'RESOLVED' },
    body: { satisfaction: 5 },
    ctx: { to: 'RESOLVED' },
    expected: { patch: { satisfaction: 5 }, note: null, data: { satisfaction: 5 } },
  },
  {
    what: 'close',
    command: 'close',
    alert: { status: 'RESOLVED' },
    ctx: { to: 'CLOSED' },
    expected: { patch: { status: 'CLOSED', closed_at: now }, note: null, data: {} },
  },
  {
    what: 'dismiss records the reason as the note',
    command: 'dismiss',
    body: { reason: '误报' },
    ctx: { to: 'DISMISSED' },
    expected: { patch: { status: 'DISMISSED', dismiss_reason: '误报' }, note: '误报', data: {} },
  },
  {
    what: 'reopen clears the outcome and the follow-up',
    command: 'reopen',
    alert: { status: 'RESOLVED', outcome: '已处理', satisfaction: 2 },
    ctx: { to: 'ACKNOWLEDGED' },
    expected: {
      patch: { status: 'ACKNOWLEDGED', resolved_at: null, outcome: null, satisfaction: null },
      note: null,
      data: {},
    },
  },
  {
    what: 'escalate moves the alert to the parent region one level up',
    command: 'escalate',
    alert: { status: 'ACKNOWLEDGED', escalationLevel: 1 },
    ctx: { to: 'ACKNOWLEDGED', parent },
    expected: {
      patch: { region_id: 'county', region_path: '620799.', escalation_level: 2 },
      note: '上报至清水县',
      data: { fromRegionId: 'region-t1', toRegionId: 'county' },
    },
  },
  {
    what: 'escalate keeps the officer’s note after the destination',
    command: 'escalate',
    body: { note: '村里处理不了' },
    ctx: { to: 'NEW', parent },
    expected: {
      patch: { region_id: 'county', region_path: '620799.', escalation_level: 1 },
      note: '上报至清水县: 村里处理不了',
      data: { fromRegionId: 'region-t1', toRegionId: 'county' },
    },
  },
  {
    what: 'comment changes nothing and carries the note',
    command: 'comment',
    alert: { status: 'CLOSED' },
    body: { note: '回访完毕' },
    ctx: { to: 'CLOSED' },
    expected: { patch: {}, note: '回访完毕', data: {} },
  },
];

describe('alertCommandChange', () => {
  it.each(cases)('$what', ({ command, alert, body, ctx, expected }) => {
    expect(alertCommandChange(command, alertView(alert), body ?? {}, { now, ...ctx })).toEqual(expected);
  });

  it.each([
    ['dispatch', 'DISPATCHED'],
    ['escalate', 'NEW'],
  ] as const)('%s without its resolved lookup is a programming error, not a patch', (command, to) => {
    expect(() => alertCommandChange(command, alertView(), {}, { now, to })).toThrow(/needs/);
  });
});
