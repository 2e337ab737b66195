import type { AlertView, SessionUser, StatisticsView } from '@xueliang/contracts';
import { availableCommands, pendingDeadline } from '../../apps/console/src/alert-commands';
import { toModel } from '../../apps/console/src/views/statistics/statistics-model';

/** The console's pure decisions, without a browser: which buttons to draw, what the charts read. */
function user(...roles: string[]): SessionUser {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    username: 'u',
    displayName: 'U',
    roles: roles as SessionUser['roles'],
    regionId: '00000000-0000-4000-8000-000000000002',
    regionName: '丹霞县',
    regionLevel: 'county',
  };
}

function alert(patch: Partial<AlertView>): AlertView {
  return {
    status: 'NEW',
    satisfaction: null,
    deadlines: {},
    overdueStages: [],
    createdAt: '2026-11-23T00:00:00Z',
    ...patch,
  } as AlertView;
}

describe('availableCommands mirrors the api workflow table', () => {
  it.each([
    ['NEW', ['duty_officer'], ['ack', 'escalate', 'dismiss', 'comment']],
    ['ACKNOWLEDGED', ['dispatcher'], ['dispatch', 'escalate', 'dismiss', 'comment']],
    ['DISPATCHED', ['responder'], ['accept', 'comment']],
    ['ACCEPTED', ['responder'], ['arrive', 'comment']],
    ['ON_SCENE', ['responder'], ['resolve', 'comment']],
    ['RESOLVED', ['supervisor'], ['follow-up', 'reopen', 'comment']],
    ['CLOSED', ['admin'], []],
  ] as const)('%s for %j', (status, roles, expected) => {
    expect(availableCommands(alert({ status }), user(...roles))).toEqual(expected);
  });

  it('close appears only after the follow-up recorded satisfaction', () => {
    expect(availableCommands(alert({ status: 'RESOLVED', satisfaction: 5 }), user('supervisor'))).toContain(
      'close',
    );
  });
});

describe('pendingDeadline', () => {
  it('is the deadline of the stage the state waits for', () => {
    const a = alert({
      status: 'ACKNOWLEDGED',
      deadlines: { acknowledge: 'x', dispatch: '2026-11-23T01:00:00Z' },
    });
    expect(pendingDeadline(a)).toEqual({ stage: 'dispatch', due: '2026-11-23T01:00:00Z' });
    expect(pendingDeadline(alert({ status: 'CLOSED' }))).toBeNull();
  });
});

describe('statistics model', () => {
  it('turns shares into percent and seconds into minutes', () => {
    const view = {
      total: 4,
      networking: [{ regionId: 'r', regionName: '清泉镇', online: 9, total: 10, rate: 0.9 }],
      networkingTotal: { online: 9, total: 10, rate: 0.9 },
      byType: { motion: 3, fire: 1 },
      bySource: {},
      byStatus: { CLOSED: 4 },
      deadlines: {
        acknowledge: { due: 4, met: 3, share: 0.75 },
        dispatch: { due: 0, met: 0, share: null },
        accept: { due: 0, met: 0, share: null },
        arrive: { due: 0, met: 0, share: null },
        resolve: { due: 0, met: 0, share: null },
      },
      times: {
        acknowledge: { count: 4, meanSeconds: 90, medianSeconds: 60, p90Seconds: 300 },
        dispatch: { count: 0, meanSeconds: null, p90Seconds: null },
        arrive: { count: 0, meanSeconds: null, p90Seconds: null },
        resolve: { count: 0, meanSeconds: null, p90Seconds: null },
      },
      satisfaction: { count: 2, average: 4.5, shareAtLeast4: 1 },
      resolved: { count: 4, of: 4, share: 1 },
    } as unknown as StatisticsView;
    const m = toModel(view);
    expect(m.networking[0]).toEqual({ name: '清泉镇', online: 9, total: 10, rate: 90 });
    expect(m.byType[0]).toEqual({ name: 'motion', value: 3 });
    expect(m.stages[0]).toEqual({ stage: 'acknowledge', onTime: 75, due: 4, mean: 1.5, median: 1, p90: 5 });
    expect(m.stages[2].mean).toBeNull();
    expect(m.satisfactionShare).toBe(100);
    expect(m.resolvedShare).toBe(100);
  });
});
