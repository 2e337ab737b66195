import type { IntegrationKeyView, MuteView, StatisticsView, UserView } from '@xueliang/contracts';
import { login, type Session } from '../support/api';
import { addCamera, type AlertStack, startAlertStack } from '../alerts/support';

/**
 * Every list that filters by region subtree (through region-scope's one helper) returns the
 * subtree and nothing beside it, checked against the database itself for a township reader, a
 * county reader and a region the reader picks.
 */
describe('subtree filters', () => {
  let stack: AlertStack;
  let county: Session;
  let township: Session;

  /** Ids of `table`'s rows (joined to their region by `regionColumn`) inside `path`. */
  async function idsUnder(table: string, regionColumn: string, path: string): Promise<string[]> {
    const { rows } = await stack.pg.query<{ id: string }>(
      `SELECT t.id::text AS id FROM ${table} t JOIN regions r ON r.id = t.${regionColumn}
        WHERE starts_with(r.path, $1) ORDER BY 1`,
      [path],
    );
    return rows.map((r) => r.id);
  }

  beforeAll(async () => {
    stack = await startAlertStack({ service: false });
    county = await login(stack.api, 'admin');
    const created = await county.call('/api/users', {
      method: 'POST',
      json: {
        username: 'lead_t1',
        displayName: '镇负责人',
        password: 'password123',
        roles: ['admin', 'supervisor', 'technician'],
        regionId: stack.where.t1.id,
      },
    });
    expect(created.status).toBe(201);
    township = await login(stack.api, 'lead_t1', 'password123');
  });
  afterAll(() => stack.close());

  it('users: a township admin lists their subtree; a county admin narrows to a village', async () => {
    const mine = (await (await township.call('/api/users')).json()) as UserView[];
    expect(mine.map((u) => u.id).sort()).toEqual(await idsUnder('users', 'region_id', stack.where.t1.path));
    const village = stack.where.village1;
    const picked = (await (await county.call(`/api/users?regionId=${village.id}`)).json()) as UserView[];
    expect(picked.map((u) => u.id).sort()).toEqual(await idsUnder('users', 'region_id', village.path));
  });

  it('mutes: a township technician sees the mutes of their cameras only', async () => {
    const tech = await login(stack.api, 'technician');
    const here = await addCamera(stack.pg, stack.where.t1, '清泉镇卡口');
    const there = await addCamera(stack.pg, stack.where.t2, '位奇镇卡口');
    for (const cameraId of [here, there]) {
      const res = await tech.call('/api/mutes', {
        method: 'POST',
        json: { cameraId, minutes: 30, reason: '检修' },
      });
      expect(res.status).toBe(201);
    }
    const mine = (await (await township.call('/api/mutes')).json()) as MuteView[];
    expect(mine.map((m) => m.cameraId)).toEqual([here]);
    const all = (await (await tech.call('/api/mutes')).json()) as MuteView[];
    expect(all.map((m) => m.cameraId).sort()).toEqual([here, there].sort());
  });

  it('integration keys: a township admin lists the keys of their subtree only', async () => {
    for (const region of [stack.where.t1, stack.where.t2]) {
      const res = await county.call('/api/integrations', {
        method: 'POST',
        json: { name: `热线 ${region.id}`, source: 'hotline', regionId: region.id },
      });
      expect(res.status).toBe(201);
    }
    const mine = (await (await township.call('/api/integrations')).json()) as IntegrationKeyView[];
    expect(mine.map((k) => k.id).sort()).toEqual(
      await idsUnder('integration_keys', 'region_id', stack.where.t1.path),
    );
    expect(mine.length).toBeGreaterThan(0);
  });

  it('statistics: the cameras of the region asked for, and nothing of another township', async () => {
    const res = await county.call(`/api/statistics?regionId=${stack.where.t1.id}`);
    expect(res.status).toBe(200);
    const stats = (await res.json()) as StatisticsView;
    expect(stats.networkingTotal.total).toBe(
      (await idsUnder('cameras', 'region_id', stack.where.t1.path)).length,
    );
    expect((await township.call(`/api/statistics?regionId=${stack.where.t2.id}`)).status).toBe(404);
  });

  it('audit: entries without a region are the county’s; a township reads its subtree only', async () => {
    const failed = await fetch(`${stack.api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody_here', password: 'wrong-password' }),
    });
    expect(failed.status).toBe(401);
    type Item = { id: string; regionId: string | null; actorName: string };
    const countyItems = ((await (await county.call('/api/audit?limit=500')).json()) as { items: Item[] })
      .items;
    expect(countyItems.some((i) => i.regionId === null && i.actorName === 'nobody_here')).toBe(true);

    const mine = ((await (await township.call('/api/audit?limit=500')).json()) as { items: Item[] }).items;
    const inside = new Set(await idsUnder('audit_log', 'region_id', stack.where.t1.path));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.filter((i) => !inside.has(String(i.id)))).toEqual([]);
  });
});
