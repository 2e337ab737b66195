import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RawEvent } from '@xueliang/contracts';
import { createRedis } from '@xueliang/platform';
import { eventsQueue, jobIdFor } from '@xueliang/queue';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL, testEnv } from '../support/database';
import { addCamera, cameraEvent, countRows, places, until } from './support';
import { kill, spawnService } from './support-service';
import { buildApps } from '../support/build';

const TOTAL = 5000;
const CAMERAS = 10;

describe('alert-service killed in the middle of 5,000 events', () => {
  let pg: Client;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Only the alert-service and the libs it needs: other apps may be mid-edit in a shared tree.
    buildApps('alert-service');
    const databaseUrl = await createTestDatabase();
    const prefix = createTestRedisPrefix();
    env = {
      ...testEnv(databaseUrl, prefix),
      ALERT_SERVICE_PORT: '0',
      ALERT_WORKER_LOCK_MS: '3000',
      ALERT_WORKER_CONCURRENCY: '8',
    };
    pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, prefix);
  }, 120_000);

  afterAll(async () => {
    for (const c of children) await kill(c, 'SIGKILL');
    await queue?.close();
    await redis?.quit();
    await pg?.end();
  });

  it('counts every event exactly once after SIGKILL and restart', async () => {
    const where = await places(pg);
    const cameras: string[] = [];
    for (let i = 0; i < CAMERAS; i++) cameras.push(await addCamera(pg, where.village1, `压测摄像机${i}`));
    // One camera is muted: its events are recorded and counted, not alerted.
    await pg.query(
      `INSERT INTO alert_mutes (camera_id, starts_at, ends_at, reason) VALUES ($1, now() - interval '1 minute', now() + interval '1 hour', 'test')`,
      [cameras[0]],
    );
    const events = Array.from({ length: TOTAL }, (_, i) => cameraEvent(cameras[i % CAMERAS], `crash-${i}`));
    for (let i = 0; i < TOTAL; i += 1000) {
      await queue.addBulk(
        events
          .slice(i, i + 1000)
          .map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })),
      );
    }

    const first = spawnService(env);
    children.push(first.child);
    await until(
      'some events processed',
      async () => (await countRows(pg, 'SELECT count(*) AS n FROM raw_events')) >= 500,
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${first.output()}`);
    });
    await kill(first.child, 'SIGKILL');
    const atKill = await countRows(pg, 'SELECT count(*) AS n FROM raw_events');

    const second = spawnService(env);
    children.push(second.child);
    await until(
      'all events processed',
      async () => (await countRows(pg, 'SELECT count(*) AS n FROM raw_events')) === TOTAL,
      180_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${second.output()}`);
    });
    await until('queue drained', async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      return c.waiting === 0 && c.active === 0;
    });

    const counted = await countRows(pg, 'SELECT COALESCE(sum(event_count), 0) AS n FROM alerts');
    const muted = await countRows(pg, 'SELECT count(*) AS n FROM raw_events WHERE muted');
    const linked = await countRows(pg, 'SELECT count(*) AS n FROM raw_events WHERE alert_id IS NOT NULL');
    expect(counted + muted).toBe(TOTAL);
    expect(muted).toBe(TOTAL / CAMERAS);
    expect(linked).toBe(counted);
    // One alert per camera that was not muted: correlation held across the crash.
    expect(await countRows(pg, 'SELECT count(*) AS n FROM alerts')).toBe(CAMERAS - 1);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    console.log(JSON.stringify({ crashTest: { total: TOTAL, processedBeforeKill: atKill, counted, muted } }));
    await kill(second.child, 'SIGTERM');
  }, 300_000);
});
