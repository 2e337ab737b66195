import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RawEvent } from '@xueliang/contracts';
import { createRedis } from '@xueliang/platform';
import { eventsQueue, jobIdFor } from '@xueliang/queue';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL, testEnv } from '../support/database';
import { buildApps } from '../support/build';
import { addCamera, cameraEvent, countRows, places, until } from './support';
import { kill, type Service, spawnService } from './support-service';

const STORM = 3000;
const STORM_CAMERAS = 6;
const NEW = 300;
const DUPLICATES = 300;

/** Events this process handled, from its own /metrics (loopback may read it without a token). */
async function handled(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(/^xl_alert_events_total\{outcome="[a-z]+"\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

describe('two alert-service processes sharing the events queue', () => {
  let pg: Client;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let env: NodeJS.ProcessEnv;
  const services: Service[] = [];

  beforeAll(async () => {
    buildApps('alert-service');
    const databaseUrl = await createTestDatabase();
    const prefix = createTestRedisPrefix();
    env = { ...testEnv(databaseUrl, prefix), ALERT_SERVICE_PORT: '0', ALERT_WORKER_CONCURRENCY: '2' };
    pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, prefix);
  }, 120_000);

  afterAll(async () => {
    for (const s of services) await kill(s.child, 'SIGKILL');
    await queue?.close();
    await redis?.quit();
    await pg?.end();
  });

  it('count every event once, correlate one alert per key, and log each alert’s changes in order', async () => {
    for (let i = 0; i < 2; i++) services.push(spawnService(env));
    for (const s of services) {
      await until('service listening', () => s.port(), 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${s.output()}`);
      });
    }
    const where = await places(pg);
    const storm: string[] = [];
    for (let i = 0; i < STORM_CAMERAS; i++) storm.push(await addCamera(pg, where.village1, `风暴${i}`));
    const fresh: string[] = [];
    for (let i = 0; i < NEW; i++) fresh.push(await addCamera(pg, i % 2 ? where.t1 : where.t2, `新告警${i}`));

    const events: RawEvent[] = [
      ...Array.from({ length: STORM }, (_, i) => cameraEvent(storm[i % STORM_CAMERAS], `so-${i}`)),
      ...fresh.map((c) => cameraEvent(c, 'new', { type: 'intrusion' })),
    ];
    // Interleaved, in chunks, so both processes take batches that share keys.
    const order = events.map((e, i) => ({ e, k: (i * 7919) % events.length })).sort((x, y) => x.k - y.k);
    for (let i = 0; i < order.length; i += 250) {
      const chunk = order.slice(i, i + 250).map((o) => o.e);
      await queue.addBulk(
        chunk.map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })),
      );
    }
    // Some events again under other job ids: producers retrying after the job left the queue.
    await queue.addBulk(
      order
        .slice(0, DUPLICATES)
        .map(({ e }) => ({ name: 'raw-event', data: e, opts: { jobId: `again|${jobIdFor(e.id)}` } })),
    );
    const total = STORM + NEW;
    await until(
      'every event recorded and the queue drained',
      async () => {
        const c = await queue.getJobCounts('waiting', 'active', 'delayed');
        return (
          (await countRows(pg, 'SELECT count(*) AS n FROM raw_events')) === total &&
          c.waiting + c.active + c.delayed === 0
        );
      },
      240_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${services.map((s) => s.output()).join('\n---\n')}`);
    });

    expect(await countRows(pg, 'SELECT COALESCE(sum(event_count), 0) AS n FROM alerts')).toBe(total);
    expect(await countRows(pg, 'SELECT count(*) AS n FROM raw_events WHERE alert_id IS NULL')).toBe(0);
    // One alert per storm camera although both processes correlated its events at once.
    const { rows } = await pg.query<{ camera_id: string; n: string; c: string }>(
      `SELECT camera_id, count(*) AS n, sum(event_count) AS c FROM alerts WHERE camera_id = ANY($1::uuid[]) GROUP BY camera_id`,
      [storm],
    );
    expect(rows.map((r) => [Number(r.n), Number(r.c)])).toEqual(
      Array.from({ length: STORM_CAMERAS }, () => [1, STORM / STORM_CAMERAS]),
    );
    expect(await countRows(pg, 'SELECT count(*) AS n FROM alerts')).toBe(STORM_CAMERAS + NEW);
    // The change log of each alert replays in order: seq up, eventCount never down, and the last
    // change says what the alert says now.
    const { rows: disorder } = await pg.query(
      `SELECT c.alert_id FROM (
         SELECT alert_id, (payload->>'eventCount')::int AS n,
                lag((payload->>'eventCount')::int) OVER (PARTITION BY alert_id ORDER BY seq) AS before
           FROM alert_changes) c
        WHERE c.n < c.before`,
    );
    expect(disorder).toEqual([]);
    const { rows: stale } = await pg.query(
      `SELECT a.id FROM alerts a JOIN LATERAL (
         SELECT payload FROM alert_changes c WHERE c.alert_id = a.id ORDER BY seq DESC LIMIT 1) last ON true
        WHERE (last.payload->>'eventCount')::int <> a.event_count`,
    );
    expect(stale).toEqual([]);
    expect(await countRows(pg, `SELECT count(*) AS n FROM alert_changes WHERE event = 'alert.created'`)).toBe(
      STORM_CAMERAS + NEW,
    );
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    // Both took their share.
    const shares = await Promise.all(services.map((s) => handled(s.port()!)));
    expect(shares.every((n) => n > 0)).toBe(true);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total + DUPLICATES);
    console.log(JSON.stringify({ scaleOut: { total, duplicates: DUPLICATES, handledPerProcess: shares } }));
    for (const s of services) await kill(s.child, 'SIGTERM');
  }, 300_000);
});
