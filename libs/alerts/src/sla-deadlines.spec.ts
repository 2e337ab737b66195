import { slaJobId } from '@xueliang/queue';
import { computeDeadlines, delayUntil, overdueAt, stageSettled, type StageTimes } from './sla-deadlines';

const created = new Date('2026-11-23T08:00:00.000Z');
const policy = {
  acknowledgeSeconds: 120,
  dispatchSeconds: 300,
  acceptSeconds: null,
  arriveSeconds: 900,
  resolveSeconds: 7200,
};
const fresh: StageTimes = {
  status: 'NEW',
  acknowledgedAt: null,
  dispatchedAt: null,
  acceptedAt: null,
  arrivedAt: null,
  resolvedAt: null,
};

describe('SLA deadline arithmetic', () => {
  it('counts every stage from creation and skips stages without a deadline', () => {
    expect(computeDeadlines(created, policy)).toEqual({
      acknowledge: '2026-11-23T08:02:00.000Z',
      dispatch: '2026-11-23T08:05:00.000Z',
      arrive: '2026-11-23T08:15:00.000Z',
      resolve: '2026-11-23T10:00:00.000Z',
    });
  });

  it('crosses midnight and days', () => {
    const late = new Date('2026-12-31T23:59:00.000Z');
    expect(computeDeadlines(late, { ...policy, resolveSeconds: 3 * 86400 }).resolve).toBe(
      '2027-01-03T23:59:00.000Z',
    );
  });

  it('ignores zero or negative seconds', () => {
    expect(computeDeadlines(created, { ...policy, acknowledgeSeconds: 0 }).acknowledge).toBeUndefined();
  });

  it.each<[string, Partial<StageTimes>, boolean]>([
    ['unreached stage on an open alert', {}, false],
    ['reached stage', { acknowledgedAt: created }, true],
    ['dismissed alert owes nothing', { status: 'DISMISSED' }, true],
    ['resolved alert owes nothing', { status: 'RESOLVED' }, true],
    ['closed alert owes nothing', { status: 'CLOSED' }, true],
  ])('acknowledge settled: %s', (_name, patch, expected) => {
    expect(stageSettled({ ...fresh, ...patch }, 'acknowledge')).toBe(expected);
  });

  it('lists the stages overdue at a time', () => {
    const deadlines = computeDeadlines(created, policy);
    const at = new Date('2026-11-23T08:06:00.000Z');
    expect(overdueAt(fresh, deadlines, at)).toEqual(['acknowledge', 'dispatch']);
    expect(overdueAt({ ...fresh, status: 'ACKNOWLEDGED', acknowledgedAt: at }, deadlines, at)).toEqual([
      'dispatch',
    ]);
    expect(overdueAt(fresh, deadlines, new Date('2026-11-23T08:01:59.999Z'))).toEqual([]);
    // Exactly at the deadline counts as missed: the check job runs then.
    expect(overdueAt(fresh, deadlines, new Date('2026-11-23T08:02:00.000Z'))).toEqual(['acknowledge']);
  });

  it('delays until the deadline, never negative', () => {
    expect(delayUntil('2026-11-23T08:02:00.000Z', created)).toBe(120_000);
    expect(delayUntil('2026-11-23T07:00:00.000Z', created)).toBe(0);
  });

  it('names check jobs alert|stage', () => {
    expect(slaJobId('a1', 'dispatch')).toBe('a1|dispatch');
  });
});
