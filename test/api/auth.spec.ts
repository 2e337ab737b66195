import { createHmac } from 'node:crypto';
import type { RegionView, UserView, UnitView } from '@xueliang/contracts';
import { bodyOf, call, login, startApi, TestApi } from '../support/api';

describe('auth and region scoping (real PostgreSQL and Redis)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi({ LOGIN_RATE_LIMIT: '5' });
  });
  afterAll(() => api.close());

  it('every demo login works and returns the user with region', async () => {
    for (const username of [
      'duty',
      'dispatcher',
      'supervisor',
      'responder',
      'technician',
      'admin',
      'duty_t1',
    ]) {
      const s = await login(api, username);
      expect(s.accessToken).toBeTruthy();
      expect(s.user.username).toBe(username);
    }
    const t1 = await login(api, 'duty_t1');
    expect(t1.user.regionLevel).toBe('township');
    expect(t1.user.regionName).toBe('清泉镇');
  });

  it('wrong password is 401 with a message', async () => {
    const res = await call(api, undefined, '/api/auth/login', {
      method: 'POST',
      json: { username: 'duty', password: 'wrong' },
    });
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).message).toBe('wrong username or password');
  });

  it('a malformed login body is 400 naming the field', async () => {
    const res = await call(api, undefined, '/api/auth/login', { method: 'POST', json: { username: 'duty' } });
    expect(res.status).toBe(400);
    const body = await bodyOf(res);
    expect(body.message).toMatch(/password/);
    expect(body.issues[0].path).toBe('password');
  });

  it('no token, tampered token, and expired token are each 401', async () => {
    expect((await call(api, undefined, '/api/regions')).status).toBe(401);
    const s = await login(api, 'duty');
    const [h, p] = s.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    const tampered = `${h}.${forged}.${s.accessToken.split('.')[2]}`;
    const res = await call(api, tampered, '/api/regions');
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).message).toBe('invalid access token');

    const expiredPayload = Buffer.from(JSON.stringify({ ...claims, iat: 1000, exp: 2000 })).toString(
      'base64url',
    );
    const sig = createHmac('sha256', process.env.JWT_SECRET!)
      .update(`${h}.${expiredPayload}`)
      .digest('base64url');
    const expired = await call(api, `${h}.${expiredPayload}.${sig}`, '/api/regions');
    expect(expired.status).toBe(401);
    expect((await bodyOf(expired)).message).toBe('access token expired');
  });

  it('a disabled user cannot sign in and loses open sessions', async () => {
    const admin = await login(api, 'admin');
    const regions = (await (await admin.call('/api/regions')).json()) as RegionView[];
    const township = regions.find((r) => r.level === 'township')!;
    const created = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: 'temp_duty',
        displayName: '临时值班',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: township.id,
      },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserView;
    expect(user).not.toHaveProperty('passwordHash');
    const temp = await login(api, 'temp_duty', 'password123');
    expect((await temp.call('/api/regions')).status).toBe(200);

    const disabled = await admin.call(`/api/users/${user.id}`, { method: 'PATCH', json: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect((await temp.call('/api/regions')).status).toBe(401);
    const again = await call(api, undefined, '/api/auth/login', {
      method: 'POST',
      json: { username: 'temp_duty', password: 'password123' },
    });
    expect(again.status).toBe(401);
    expect((await bodyOf(again)).message).toBe('account disabled');
  });

  it('a township user sees only its subtree; another township is 404', async () => {
    const county = await login(api, 'duty');
    const t1 = await login(api, 'duty_t1');
    const all = (await (await county.call('/api/regions')).json()) as RegionView[];
    const mine = (await (await t1.call('/api/regions')).json()) as RegionView[];
    expect(all.length).toBeGreaterThan(190);
    expect(mine.length).toBeGreaterThan(10);
    expect(mine.length).toBeLessThan(40);
    expect(mine.every((r) => r.path.startsWith(mine[0].path))).toBe(true);
    const other = all.find((r) => r.level === 'township' && r.name === '位奇镇')!;
    expect((await t1.call(`/api/regions/${other.id}`)).status).toBe(404);
    expect((await county.call(`/api/regions/${other.id}`)).status).toBe(200);

    const units = (await (await t1.call('/api/units')).json()) as UnitView[];
    expect(units.length).toBe(3);
    expect(units.every((u) => u.regionName === '清泉镇')).toBe(true);
  });

  it('roles are enforced: a duty officer cannot manage users (403)', async () => {
    const duty = await login(api, 'duty');
    const res = await duty.call('/api/users', {
      method: 'POST',
      json: {
        username: 'x1',
        displayName: 'x',
        password: 'password123',
        roles: ['admin'],
        regionId: duty.user.regionId,
      },
    });
    expect(res.status).toBe(403);
  });

  it('admin API validates input and writes audit entries', async () => {
    const admin = await login(api, 'admin');
    const bad = await admin.call('/api/users', { method: 'POST', json: { username: 'a', roles: [] } });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toMatch(/username/);

    const regions = (await (await admin.call('/api/regions')).json()) as RegionView[];
    const village = regions.find((r) => r.level === 'village')!;
    const wrongLevel = await admin.call('/api/regions', {
      method: 'POST',
      json: {
        code: 'X1',
        name: '错层级',
        level: 'township',
        parentId: village.id,
        centre: { lon: 101, lat: 38 },
      },
    });
    expect(wrongLevel.status).toBe(400);
    expect((await bodyOf(wrongLevel)).message).toMatch(/^level:/);
    const grid = await admin.call('/api/regions', {
      method: 'POST',
      json: {
        code: `${village.code}99`,
        name: '新网格',
        level: 'grid',
        parentId: village.id,
        centre: { lon: 101, lat: 38.7 },
      },
    });
    expect(grid.status).toBe(201);
    const created = (await grid.json()) as RegionView;
    expect(created.path).toBe(`${village.path}${village.code}99.`);

    const unit = await admin.call('/api/units', {
      method: 'POST',
      json: { name: '新派出所', kind: 'police_post', regionId: village.id },
    });
    expect(unit.status).toBe(201);
    const badUnit = await admin.call('/api/units', {
      method: 'POST',
      json: { name: 'x', kind: 'army', regionId: village.id },
    });
    expect(badUnit.status).toBe(400);
    expect((await bodyOf(badUnit)).message).toMatch(/^kind:/);

    const audit = await admin.call('/api/audit?targetType=region');
    const entries = (await bodyOf(audit)).items as { action: string }[];
    expect(entries.map((e) => e.action)).toContain('region.create');
  });

  it('a township admin cannot create users in another township (403)', async () => {
    const admin = await login(api, 'admin');
    const regions = (await (await admin.call('/api/regions')).json()) as RegionView[];
    const [t1, t2] = regions.filter((r) => r.level === 'township');
    const res = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: 'admin_t1',
        displayName: '镇管理员',
        password: 'password123',
        roles: ['admin'],
        regionId: t1.id,
      },
    });
    expect(res.status).toBe(201);
    const townAdmin = await login(api, 'admin_t1', 'password123');
    const denied = await townAdmin.call('/api/users', {
      method: 'POST',
      json: {
        username: 'intruder',
        displayName: 'x',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: t2.id,
      },
    });
    expect(denied.status).toBe(404);
  });

  it('login attempts are rate limited per username', async () => {
    const attempt = () =>
      call(api, undefined, '/api/auth/login', {
        method: 'POST',
        json: { username: 'supervisor', password: 'bad' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses[6]).toBe(429);
    const right = await call(api, undefined, '/api/auth/login', {
      method: 'POST',
      json: { username: 'supervisor', password: 'xueliang' },
    });
    expect(right.status).toBe(429);
  });
});

describe('health and metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('serves /healthz, /readyz (database and Redis) and /metrics without a session', async () => {
    expect((await call(api, undefined, '/healthz')).status).toBe(200);
    const ready = await call(api, undefined, '/readyz');
    expect(ready.status).toBe(200);
    const metrics = await call(api, undefined, '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/process_cpu_seconds_total/);
  });
});
