import type { AlertView } from '@xueliang/contracts';
import { DEMO_PASSWORD } from '@xueliang/db';
import { countRows, startAlertStack, until, type AlertStack } from '../alerts/support';
import { bodyOf, call, login, startApi, type TestApi } from '../support/api';

/** One sign-in attempt, from `address` as a trusted proxy in front of the api would report it. */
function attempt(api: Pick<TestApi, 'url'>, username: string, password: string, address?: string) {
  return call(api, undefined, '/api/auth/login', {
    method: 'POST',
    json: { username, password },
    headers: address ? { 'x-forwarded-for': address } : {},
  });
}

describe('sign-in limits lock out the attacker, not the user (real PostgreSQL and Redis)', () => {
  let stack: AlertStack;

  beforeAll(async () => {
    // The test plays many client addresses through X-Forwarded-For from a trusted local proxy.
    process.env.TRUSTED_PROXIES = 'loopback';
    process.env.LOGIN_RATE_LIMIT = '10';
    stack = await startAlertStack();
  });
  afterAll(async () => {
    await stack?.close();
    delete process.env.TRUSTED_PROXIES;
  });

  it('counts parallel attempts atomically: 150 at once let exactly 10 through, and a late right password is refused', async () => {
    const address = '198.51.100.1';
    const statuses: Promise<number>[] = [];
    let answered = 0;
    for (let i = 0; i < 50; i++) {
      statuses.push(
        attempt(stack.api, 'dispatcher', `wrong-${i}`, address).then((r) => {
          answered += 1;
          return r.status;
        }),
      );
    }
    // The right password goes in while the first fifty are still being answered.
    await until('ten answers', () => answered >= 10 || undefined, 30_000);
    const right = attempt(stack.api, 'dispatcher', DEMO_PASSWORD, address).then((r) => r.status);
    for (let i = 50; i < 149; i++) {
      statuses.push(attempt(stack.api, 'dispatcher', `wrong-${i}`, address).then((r) => r.status));
    }
    const all = await Promise.all(statuses);
    expect(await right).toBe(429);
    expect(all.filter((s) => s === 401)).toHaveLength(10);
    expect(all.filter((s) => s === 429)).toHaveLength(139);
  });

  it("an attacker's wrong passwords do not stop the user signing in from another address", async () => {
    const attacker = '198.51.100.2';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await attempt(stack.api, 'responder', 'bad', attacker)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The attacker stays locked out even with the right password; the user is not.
    expect((await attempt(stack.api, 'responder', DEMO_PASSWORD, attacker)).status).toBe(429);
    expect((await attempt(stack.api, 'responder', DEMO_PASSWORD, '203.0.113.5')).status).toBe(200);
  });

  it('many attacking addresses slow the username down, but the user still gets in from an address they used', async () => {
    // The user signed in from the office before the attack.
    expect((await attempt(stack.api, 'duty_t1', DEMO_PASSWORD, '203.0.113.10')).status).toBe(200);
    for (let a = 0; a < 10; a++) {
      const tries = Array.from({ length: 10 }, () =>
        attempt(stack.api, 'duty_t1', 'bad', `198.51.100.${100 + a}`),
      );
      expect((await Promise.all(tries)).map((r) => r.status)).toEqual(Array(10).fill(401));
    }
    // 100 failures from unknown addresses: a new address is refused even with the right password...
    const fresh = await attempt(stack.api, 'duty_t1', DEMO_PASSWORD, '198.51.100.250');
    expect(fresh.status).toBe(429);
    expect((await bodyOf(fresh)).message).toMatch(/too many sign-in attempts/);
    // ...while the office address still gets in.
    expect((await attempt(stack.api, 'duty_t1', DEMO_PASSWORD, '203.0.113.10')).status).toBe(200);
  });

  it('a sustained attack is audited once and raises one supervisor-visible alert', async () => {
    const { rows } = await stack.pg.query<{ id: string; region_id: string }>(
      `SELECT id, region_id FROM users WHERE username = 'technician'`,
    );
    const technician = rows[0];
    // 30 failed or refused attempts (3 × LOGIN_RATE_LIMIT) make an attack; 30 more are the same attack.
    for (let round = 0; round < 2; round++) {
      for (let a = 0; a < 3; a++) {
        const tries = Array.from({ length: 10 }, () =>
          attempt(stack.api, 'technician', 'bad', `192.0.2.${round * 10 + a + 1}`),
        );
        await Promise.all(tries);
      }
    }
    const alertCount = () =>
      countRows(
        stack.pg,
        `SELECT count(*) AS n FROM alerts WHERE type = 'login_attack' AND source = 'system' AND title LIKE $1`,
        ['% technician %'],
      );
    await until('the login_attack alert', async () => ((await alertCount()) > 0 ? true : undefined), 30_000);
    const audits = await countRows(
      stack.pg,
      `SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_attack' AND target_id = $1`,
      [technician.id],
    );
    expect(audits).toBe(1);
    // Let the queue drain: no second report, so still one alert.
    await until(
      'events queue drained',
      async () => ((await stack.events.count()) === 0 ? true : undefined),
      30_000,
    );
    expect(await alertCount()).toBe(1);

    const supervisor = await login(stack.api, 'supervisor');
    const res = await supervisor.call('/api/alerts?type=login_attack');
    expect(res.status).toBe(200);
    // The other tests' attacks (dispatcher, duty_t1) have alerts of their own; this user's is one.
    const items = ((await bodyOf(res)).items as unknown as AlertView[]).filter((a) =>
      a.title.includes(' technician '),
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'login_attack',
      source: 'system',
      regionId: technician.region_id,
    });
  });
});

describe('the audited and rate-limited address cannot be forged', () => {
  let api: TestApi;
  afterEach(() => api?.close());

  async function auditedAddress(username: string): Promise<string | null> {
    const admin = await login(api, 'admin');
    const res = await admin.call('/api/audit?action=auth.login_failed&limit=50');
    const items = (await bodyOf(res)).items as { actorName: string; ip: string | null }[];
    return items.find((e) => e.actorName === username)?.ip ?? null;
  }

  it('by default X-Forwarded-For is ignored: the peer address is audited and limited', async () => {
    api = await startApi({ TRUSTED_PROXIES: '', LOGIN_RATE_LIMIT: '5' });
    expect((await attempt(api, 'duty', 'bad', '203.0.113.77')).status).toBe(401);
    const ip = await auditedAddress('duty');
    expect(ip).not.toBe('203.0.113.77');
    expect(ip).toMatch(/127\.0\.0\.1/);
    // A new forged address per try does not escape the per-address limit.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(api, 'duty', 'bad', `203.0.113.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('with TRUSTED_PROXIES naming the proxy, its X-Forwarded-For is the client address', async () => {
    api = await startApi({ TRUSTED_PROXIES: '127.0.0.1', LOGIN_RATE_LIMIT: '5' });
    expect((await attempt(api, 'duty', 'bad', '203.0.113.77')).status).toBe(401);
    expect(await auditedAddress('duty')).toBe('203.0.113.77');
  });
});
