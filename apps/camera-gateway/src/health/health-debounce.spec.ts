import { HealthState, nextPollDelay, observe, Semaphore } from './health-debounce';

const fail = { ok: false as const, reason: 'timeout' };
const ok = { ok: true as const };

function replay(outcomes: { ok: boolean }[], n = 3): { changes: string[]; state: HealthState } {
  let state: HealthState = { status: 'unknown', failures: 0, reason: null };
  const changes: string[] = [];
  for (const o of outcomes) {
    const t = observe(state, o.ok ? ok : fail, n);
    state = t.state;
    if (t.changed) changes.push(`${t.changed.from}→${t.changed.to}`);
  }
  return { changes, state };
}

describe('health debounce', () => {
  it.each([
    { name: 'first success goes online', seq: [ok], changes: ['unknown→online'] },
    { name: 'two failures are not enough', seq: [ok, fail, fail], changes: ['unknown→online'] },
    {
      name: 'three failures go offline once',
      seq: [ok, fail, fail, fail, fail, fail],
      changes: ['unknown→online', 'online→offline'],
    },
    {
      name: 'one success recovers',
      seq: [ok, fail, fail, fail, ok],
      changes: ['unknown→online', 'online→offline', 'offline→online'],
    },
    {
      name: 'flapping never reaches offline',
      seq: [ok, fail, ok, fail, fail, ok, fail],
      changes: ['unknown→online'],
    },
    { name: 'never seen, then down', seq: [fail, fail, fail], changes: ['unknown→offline'] },
  ])('$name', ({ seq, changes }) => {
    expect(replay(seq).changes).toEqual(changes);
  });

  it('keeps the reason of the failure that took it offline', () => {
    expect(replay([ok, fail, fail, fail]).state).toEqual({
      status: 'offline',
      failures: 3,
      reason: 'timeout',
    });
  });

  it('backs off polling of offline cameras, capped', () => {
    const mid = (): number => 0.5;
    const online: HealthState = { status: 'online', failures: 0, reason: null };
    expect(nextPollDelay(online, 1000, 60_000, 3, mid)).toBe(1000);
    expect(nextPollDelay({ status: 'offline', failures: 3, reason: 'x' }, 1000, 60_000, 3, mid)).toBe(1000);
    expect(nextPollDelay({ status: 'offline', failures: 5, reason: 'x' }, 1000, 60_000, 3, mid)).toBe(4000);
    expect(nextPollDelay({ status: 'offline', failures: 30, reason: 'x' }, 1000, 60_000, 3, mid)).toBe(
      60_000,
    );
  });
});

describe('Semaphore', () => {
  it('never runs more than its limit at once', async () => {
    const sem = new Semaphore(3);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sem.run(async () => {
          peak = Math.max(peak, sem.inFlight);
          await new Promise((r) => setTimeout(r, 2));
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
