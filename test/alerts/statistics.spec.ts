import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { StatisticsView } from '@xueliang/contracts';
import { login, startApi, type TestApi } from '../support/api';
import { addCamera, places, type Place } from './support';

const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const at = (seconds: number | null): string | null =>
  seconds === null ? null : new Date(T0 + seconds * 1000).toISOString();

interface Seed {
  type: string;
  source: string;
  status: string;
  region: { id: string; path: string };
  /** seconds after creation; null: not reached */
  ack: number | null;
  dispatch?: number | null;
  arrive?: number | null;
  resolve?: number | null;
  satisfaction?: number | null;
  deadlines: Record<string, number>;
  overdue?: string[];
}

describe('statistics from known data', () => {
  let api: TestApi;
  let pg: Client;
  let where: Place;

  async function insert(s: Seed, n: number): Promise<void> {
    await pg.query(
      `INSERT INTO alerts (id, number, type, source, priority, status, title, region_id, region_path, origin_region_id,
                           correlation_key, first_seen_at, last_seen_at, deadlines, overdue_stages, satisfaction,
                           acknowledged_at, dispatched_at, arrived_at, resolved_at, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'medium', $5, 'stat', $6, $7, $6, 'stat', $8, $8, $9, $10, $11, $12, $13, $14, $15, 1, $8, $8)`,
      [
        randomUUID(),
        `STAT-${n}`,
        s.type,
        s.source,
        s.status,
        s.region.id,
        s.region.path,
        at(0),
        JSON.stringify(Object.fromEntries(Object.entries(s.deadlines).map(([k, v]) => [k, at(v)]))),
        s.overdue ?? [],
        s.satisfaction ?? null,
        at(s.ack),
        at(s.dispatch ?? null),
        at(s.arrive ?? null),
        at(s.resolve ?? null),
      ],
    );
  }

  beforeAll(async () => {
    api = await startApi();
    pg = new Client({ connectionString: api.databaseUrl });
    await pg.connect();
    where = await places(pg);
    const d = { acknowledge: 120, dispatch: 300, arrive: 900, resolve: 3600 };
    const seeds: Seed[] = [
      {
        type: 'motion',
        source: 'camera',
        status: 'CLOSED',
        region: where.village1,
        ack: 60,
        dispatch: 120,
        arrive: 600,
        resolve: 1200,
        satisfaction: 5,
        deadlines: d,
      },
      {
        type: 'motion',
        source: 'camera',
        status: 'RESOLVED',
        region: where.village1,
        ack: 180,
        dispatch: 400,
        arrive: 1000,
        resolve: 2000,
        satisfaction: 3,
        deadlines: d,
      },
      { type: 'dispute', source: 'hotline', status: 'DISMISSED', region: where.t1, ack: 30, deadlines: d },
      {
        type: 'fire',
        source: 'manual',
        status: 'NEW',
        region: where.t1,
        ack: null,
        deadlines: d,
        overdue: ['acknowledge'],
      },
      { type: 'fire', source: 'manual', status: 'NEW', region: where.t2, ack: null, deadlines: d },
    ];
    for (const [i, s] of seeds.entries()) await insert(s, i);
    await addCamera(pg, where.village1, 'a');
    await addCamera(pg, where.village1, 'b');
    const off = await addCamera(pg, where.t1, 'c');
    await pg.query(`UPDATE cameras SET status = 'offline' WHERE id = $1`, [off]);
    await addCamera(pg, where.t2, 'd');
  });
  afterAll(async () => {
    await pg.end();
    await api.close();
  });

  const range = `from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=${encodeURIComponent('2026-03-02T00:00:00Z')}`;

  it('computes counts, deadlines met, mean and p90 times, satisfaction and resolved share for a township', async () => {
    const supervisor = await login(api, 'supervisor');
    const res = await supervisor.call(`/api/statistics?${range}&regionId=${where.t1.id}`);
    expect(res.status).toBe(200);
    const s = (await res.json()) as StatisticsView;
    expect(s.total).toBe(4);
    expect(s.byType).toEqual({ dispute: 1, fire: 1, motion: 2 });
    expect(s.bySource).toEqual({ camera: 2, hotline: 1, manual: 1 });
    expect(s.byStatus).toEqual({ CLOSED: 1, DISMISSED: 1, NEW: 1, RESOLVED: 1 });
    expect(s.deadlines.acknowledge).toEqual({ due: 4, met: 2, share: 0.5 });
    expect(s.deadlines.dispatch).toEqual({ due: 2, met: 1, share: 0.5 });
    expect(s.deadlines.accept).toEqual({ due: 0, met: 0, share: null });
    expect(s.deadlines.resolve).toEqual({ due: 2, met: 2, share: 1 });
    // ack times 30, 60, 180 s: mean 90; p90 by linear interpolation = 60 + 0.8 × 120 = 156.
    expect(s.times.acknowledge).toEqual({ count: 3, meanSeconds: 90, medianSeconds: 60, p90Seconds: 156 });
    expect(s.times.dispatch).toEqual({ count: 2, meanSeconds: 260, medianSeconds: 260, p90Seconds: 372 });
    expect(s.times.arrive).toEqual({ count: 2, meanSeconds: 800, medianSeconds: 800, p90Seconds: 960 });
    expect(s.times.resolve).toEqual({ count: 2, meanSeconds: 1600, medianSeconds: 1600, p90Seconds: 1920 });
    expect(s.satisfaction).toEqual({ count: 2, average: 4, shareAtLeast4: 0.5 });
    expect(s.resolved).toEqual({ count: 2, of: 3, share: 2 / 3 });
    expect(s.networkingTotal).toEqual({ online: 2, total: 3, rate: 2 / 3 });
  });

  it('the county sees every township with its networking rate', async () => {
    const duty = await login(api, 'duty');
    const s = (await (await duty.call(`/api/statistics?${range}`)).json()) as StatisticsView;
    expect(s.total).toBe(5);
    expect(s.networking).toHaveLength(8);
    expect(s.networking[0]).toMatchObject({ regionId: where.t1.id, online: 2, total: 3 });
    expect(s.networking[1]).toMatchObject({ regionId: where.t2.id, online: 1, total: 1, rate: 1 });
    expect(s.networking[2]).toMatchObject({ online: 0, total: 0, rate: null });
    expect(s.networkingTotal).toEqual({ online: 3, total: 4, rate: 0.75 });
  });

  it('exports CSV, and a township cannot read another township (404)', async () => {
    const supervisor = await login(api, 'supervisor');
    const csv = await supervisor.call(`/api/statistics?${range}&regionId=${where.t1.id}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('section,key,metric,value');
    expect(text).toContain('time,acknowledge,p90_seconds,156');
    expect(text).toContain('deadline,acknowledge,share,0.5');
    const dutyT1 = await login(api, 'duty_t1');
    expect((await dutyT1.call(`/api/statistics?regionId=${where.t2.id}`)).status).toBe(404);
    const responder = await login(api, 'responder');
    expect((await responder.call('/api/statistics')).status).toBe(403);
    expect((await supervisor.call('/api/statistics?from=yesterday')).status).toBe(400);
  });
});
