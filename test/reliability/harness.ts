import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RawEvent } from '@xueliang/contracts';
import { migrateDatabase, seedDemoCounty } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { findFreePort } from '../../apps/launcher/src/launch';
import { eventsQueue } from '@xueliang/queue';
import { addCamera, places, type Place } from '../alerts/support';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { until } from '../support/wait';
import { buildApps } from '../support/build';
import { ConsoleWatcher } from './load';
import { AppProcess, PrivatePostgres, PrivateRedis } from './processes';

export { ConsoleWatcher, EventLoad } from './load';
export { AppProcess, PrivatePostgres, PrivateRedis } from './processes';

/**
 * The reliability harness: a PostgreSQL and a Redis of the test's own (never the machine's
 * shared ones, which other suites use), the BUILT api and alert-service as child processes
 * against them, a steady load of events and a few signed-in consoles. The data services can
 * then be killed with SIGKILL and restarted on the same port and data, as a crash would.
 */

/** Builds what the children run (api, alert-service, libs). */
export function buildHarnessApps(): void {
  buildApps('api', 'alert-service');
}

const answers = async (url: string): Promise<boolean> =>
  fetch(url).then(
    (r) => r.status === 200,
    () => false,
  );

/**
 * Starts a built app on a free port and waits until it says it listens there. Another suite may
 * take the same port between the check and the bind (two reliability stacks in one jest run):
 * then the app exits, and it is started again on another port. Its own log line is the proof,
 * since an app of the other stack would answer on that port too.
 */
async function startApp(
  main: string,
  env: NodeJS.ProcessEnv,
  portVariable: string,
  name: string,
): Promise<{ app: AppProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort(40_000 + Math.floor(Math.random() * 8000));
    const app = new AppProcess(main, { ...env, [portVariable]: String(port) });
    app.start();
    const outcome = await until(
      `${name} listening`,
      () => (app.output().includes(`listening on :${port}`) ? 'up' : app.alive ? null : 'exited'),
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${app.output()}`);
    });
    if (outcome === 'up') return { app, port };
    await app.stop();
    if (attempt >= 3) throw new Error(`${name} did not start:\n${app.output()}`);
  }
}

export interface ReliabilityStack {
  dir: string;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  pg: Client;
  where: Place;
  cameras: string[];
  api: AppProcess;
  alertService: AppProcess;
  apiUrl: string;
  prefix: string;
  producer: Redis;
  events: Queue<RawEvent>;
  consoles: ConsoleWatcher[];
  /** Figures straight from the database. */
  figures(): Promise<DatabaseFigures>;
  close(): Promise<void>;
}

export interface DatabaseFigures {
  rawEvents: number;
  alerts: number;
  counted: number;
  linked: number;
  /** (alert, stage) whose deadline passed 5 s ago or more, still owed and not marked overdue. */
  deadlinesUnfired: number;
  deadlinesFired: number;
  /** How late the overdue marks came after their deadlines (seconds). */
  lateMaxSeconds: number;
  lateP50Seconds: number;
  escalated: number;
}

/** Deadlines of the alerts the load creates: short, so they pass while a service is down. */
export const RELIABILITY_POLICY = { type: 'intrusion', priority: 'high', acknowledgeSeconds: 4 } as const;

export async function startReliabilityStack(options: { cameras?: number; sweepSeconds?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'xl-reliability-'));
  // The embedded server runs as the postgres user when we are root: it must enter the folder.
  chmodSync(dir, 0o755);
  const postgres = new PrivatePostgres(dir);
  const redis = new PrivateRedis(dir);
  await Promise.all([postgres.start(), redis.start()]);
  await postgres.ensureDatabase();
  const databaseUrl = postgres.url();
  await migrateDatabase(databaseUrl);
  await seedDemoCounty({ databaseUrl, credentialKey: TEST_CREDENTIAL_KEY });

  const pg = new Client({ connectionString: databaseUrl });
  pg.on('error', () => undefined);
  await pg.connect();
  const where = await places(pg);
  const cameras: string[] = [];
  for (let i = 0; i < (options.cameras ?? 20); i++) {
    cameras.push(await addCamera(pg, i % 2 ? where.village1 : where.t2, `可靠性摄像机${i}`));
  }
  // Every intrusion is its own alert (no correlation window) with an acknowledge deadline a
  // few seconds out that escalates: a steady stream of deadlines passing during any outage.
  await pg.query(
    `UPDATE sla_policies SET acknowledge_seconds = $1, dispatch_seconds = NULL, accept_seconds = NULL,
            arrive_seconds = NULL, resolve_seconds = NULL, escalate = true, correlation_window_seconds = 0
      WHERE alert_type = $2 AND priority = $3`,
    [RELIABILITY_POLICY.acknowledgeSeconds, RELIABILITY_POLICY.type, RELIABILITY_POLICY.priority],
  );
  await pg.end();

  const prefix = 'xlrel';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    JWT_SECRET: 'reliability-secret-long-enough',
    CREDENTIAL_KEY: TEST_CREDENTIAL_KEY,
    LOG_LEVEL: 'warn',
    ALERT_WORKER_LOCK_MS: '5000',
    SLA_SWEEP_SECONDS: String(options.sweepSeconds ?? 2),
    // The test signs in consoles many times; the throttle is not what is measured here.
    LOGIN_RATE_LIMIT: '1000',
  };
  const api = await startApp('dist/apps/api/src/main.js', env, 'API_PORT', 'api');
  const alertService = await startApp(
    'dist/apps/alert-service/src/main.js',
    env,
    'ALERT_SERVICE_PORT',
    'alert-service',
  );
  const apiUrl = `http://127.0.0.1:${api.port}`;
  await until('api ready', () => answers(`${apiUrl}/readyz`), 60_000);

  const reader = new Client({ connectionString: databaseUrl });
  // The reader outlives PostgreSQL restarts by reconnecting (see query below).
  reader.on('error', () => undefined);
  await reader.connect();
  const producer = createRedis(redis.url);
  producer.on('error', () => undefined);
  const events = eventsQueue(producer, prefix);
  const consoles = [
    await ConsoleWatcher.open(apiUrl, 'duty'),
    await ConsoleWatcher.open(apiUrl, 'supervisor'),
    await ConsoleWatcher.open(apiUrl, 'duty_t1'),
  ];

  const stack = {
    dir,
    postgres,
    redis,
    pg: reader,
    where,
    cameras,
    api: api.app,
    alertService: alertService.app,
    apiUrl,
    prefix,
    producer,
    events,
    consoles,
    async figures(): Promise<DatabaseFigures> {
      const one = async (sql: string): Promise<number> => {
        const { rows } = await stack.pg.query<{ n: string | null }>(sql);
        return Number(rows[0].n ?? 0);
      };
      return {
        rawEvents: await one('SELECT count(*) AS n FROM raw_events'),
        alerts: await one('SELECT count(*) AS n FROM alerts'),
        counted: await one('SELECT COALESCE(sum(event_count), 0) AS n FROM alerts'),
        linked: await one('SELECT count(*) AS n FROM raw_events WHERE alert_id IS NOT NULL'),
        deadlinesUnfired: await one(
          `SELECT count(*) AS n FROM alerts a CROSS JOIN LATERAL jsonb_each_text(a.deadlines) d
            WHERE a.status = 'NEW' AND d.value::timestamptz < now() - interval '5 seconds'
              AND NOT (d.key = ANY(a.overdue_stages))`,
        ),
        deadlinesFired: await one(`SELECT count(*) AS n FROM alert_timeline WHERE action = 'overdue'`),
        lateMaxSeconds: await one(
          `SELECT max(extract(epoch FROM at - (data->>'deadline')::timestamptz)) AS n
             FROM alert_timeline WHERE action = 'overdue'`,
        ),
        lateP50Seconds: await one(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - (data->>'deadline')::timestamptz)) AS n
             FROM alert_timeline WHERE action = 'overdue'`,
        ),
        escalated: await one(`SELECT count(*) AS n FROM alert_timeline WHERE action = 'escalate'`),
      };
    },
    async close(): Promise<void> {
      consoles.forEach((c) => c.close());
      await events.close().catch(() => undefined);
      producer.disconnect();
      await stack.pg.end().catch(() => undefined);
      await alertService.app.stop();
      await api.app.stop();
      await redis.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A new reader after PostgreSQL restarted (the old connection died with the server). */
export async function reconnectReader(stack: { pg: Client; postgres: PrivatePostgres }): Promise<void> {
  await stack.pg.end().catch(() => undefined);
  stack.pg = await until(
    'PostgreSQL accepts the reader',
    async () => {
      const c = new Client({ connectionString: stack.postgres.url() });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return c;
      } catch {
        return null;
      }
    },
    60_000,
  );
}

/** Camera events of the load: motion (correlated into a few alerts) and intrusion (one alert each, with a deadline). */
export function loadEvent(cameras: string[], run: string): (n: number) => RawEvent {
  return (n) => {
    const camera = cameras[n % cameras.length];
    const intrusion = n % 4 === 0;
    const base = { source: 'camera' as const, occurredAt: new Date().toISOString(), cameraId: camera };
    return intrusion
      ? {
          ...base,
          id: `cam:${camera}:intrusion:${run}-${n}`,
          type: RELIABILITY_POLICY.type,
          priority: RELIABILITY_POLICY.priority,
        }
      : { ...base, id: `cam:${camera}:motion:${run}-${n}`, type: 'motion' };
  };
}

/** Seqs of every alert change a console of `scopePath` (undefined: the county) should have seen. */
export async function expectedSeqs(pg: Client, scopePath?: string): Promise<string[]> {
  const { rows } = await pg.query<{ seq: string }>(
    `SELECT seq::text AS seq FROM alert_changes ${scopePath ? 'WHERE region_path LIKE $1' : ''} ORDER BY seq`,
    scopePath ? [`${scopePath}%`] : [],
  );
  return rows.map((r) => r.seq);
}
