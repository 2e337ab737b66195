import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from '@xueliang/platform';
import { QUEUES, slaJobId, slaQueue, type SlaCheckJob } from '@xueliang/queue';
import { AlertService } from '../../apps/alert-service/src/alert-service';
import { TEST_REDIS_URL } from '../support/database';
import { failedJob } from '../support/wait';
import { addCamera, AlertStack, cameraEvent, countRows, startAlertStack, until } from './support';

/**
 * A deadline must fire whatever happened to its delayed job: failed through an outage, lost
 * with Redis, completed early. And bad data fails once instead of being retried eight times.
 */
describe('deadlines fire even when their queued check is gone; bad data fails once', () => {
  /** How many overdue marks an alert's timeline holds (a stage must be marked once). */
  const overdueMarks = (alertId: string): Promise<number> =>
    countRows(
      stack.pg,
      `SELECT count(*) AS n FROM alert_timeline WHERE alert_id = $1 AND action = 'overdue'`,
      [alertId],
    );

  let stack: AlertStack;
  let redis: Redis;
  let sla: Queue<SlaCheckJob>;
  const services: AlertService[] = [];

  async function startService(slaSweepMs: number): Promise<AlertService> {
    const service = new AlertService({
      databaseUrl: stack.api.databaseUrl,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: stack.api.redisPrefix,
      concurrency: 4,
      slaSweepMs,
    });
    await service.start();
    services.push(service);
    return service;
  }

  async function alertOf(camera: string): Promise<{ id: string; overdue_stages: string[] } | undefined> {
    const { rows } = await stack.pg.query<{ id: string; overdue_stages: string[] }>(
      'SELECT id, overdue_stages FROM alerts WHERE camera_id = $1',
      [camera],
    );
    return rows[0];
  }

  beforeAll(async () => {
    stack = await startAlertStack({ service: false });
    redis = createRedis(TEST_REDIS_URL);
    sla = slaQueue(redis, stack.api.redisPrefix);
    // Fire alerts: acknowledge in 2 s (no escalation), nothing else timed, so one check per alert.
    await stack.pg.query(
      `UPDATE sla_policies SET acknowledge_seconds = 2, dispatch_seconds = NULL, accept_seconds = NULL,
              arrive_seconds = NULL, resolve_seconds = NULL, escalate = false
        WHERE alert_type = 'fire' AND priority = 'high'`,
    );
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await sla.close();
    await redis.quit();
    await stack.close();
  });

  it('a check that failed for good (an outage used up its attempts) is replaced at boot and fires', async () => {
    const camera = await addCamera(stack.pg, stack.where.village1);
    const first = await startService(3600_000);
    await stack.enqueue(cameraEvent(camera, 1, { type: 'fire', priority: 'high' }));
    const alert = await until('alert created', () => alertOf(camera));
    await first.stop();

    // What an outage did to it before: the check ran, failed its attempts and was kept as failed.
    const id = slaJobId(alert.id, 'acknowledge');
    await (await sla.getJob(id))!.promote();
    const failer = new Worker<SlaCheckJob>(
      QUEUES.sla,
      async () => {
        throw new UnrecoverableError('connect ECONNREFUSED 127.0.0.1:5432 (attempts used up)');
      },
      { connection: createRedis(TEST_REDIS_URL), prefix: stack.api.redisPrefix },
    );
    await until('check failed', async () => (await sla.getJobState(id)) === 'failed');
    await failer.close();

    // A restart (no sweep for an hour: the boot reconcile alone must bring it back).
    await startService(3600_000);
    const fired = await until('overdue after restart', async () => {
      const a = await alertOf(camera);
      return a?.overdue_stages.includes('acknowledge') ? a : null;
    });
    expect(fired.overdue_stages).toEqual(['acknowledge']);
    expect(await overdueMarks(alert.id)).toBe(1);
  });

  it('a deadline with no check in the queue at all is found by the sweep and fires once', async () => {
    for (const s of services.splice(0)) await s.stop();
    await startService(500);
    const camera = await addCamera(stack.pg, stack.where.village1);
    await stack.enqueue(cameraEvent(camera, 1, { type: 'fire', priority: 'high' }));
    const alert = await until('alert created', () => alertOf(camera));
    // The check is lost (Redis lost it, or it completed early): only the database knows.
    await sla.remove(slaJobId(alert.id, 'acknowledge'));
    const fired = await until('overdue by the sweep', async () => {
      const a = await alertOf(camera);
      return a?.overdue_stages.includes('acknowledge') ? a : null;
    });
    expect(fired.overdue_stages).toEqual(['acknowledge']);
    // Later sweeps see the mark and leave it alone.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await overdueMarks(alert.id)).toBe(1);
  });

  it('an event the database cannot store fails once, not eight times', async () => {
    if (!services.length) await startService(3600_000);
    const camera = await addCamera(stack.pg, stack.where.village1);
    // A NUL byte passes the schema today but PostgreSQL text cannot hold it: bad data, not an outage.
    const event = cameraEvent(camera, 'nul', { type: 'intrusion', title: 'bad\u0000title' });
    await stack.enqueue(event);
    const jobId = event.id.replace(/:/g, '|');
    const job = await failedJob(stack.events, jobId);
    // The old code retried it with backoff for about a minute before parking it.
    expect(job.failedReason).not.toMatch(/ECONNREFUSED/);
    expect((await stack.events.getJob(job.id!))!.attemptsMade).toBeLessThanOrEqual(1);
  });
});
