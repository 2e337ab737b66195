/**
 * Alert intake benchmark (docs/PERFORMANCE.md, "Alerts"). Self-contained: its own database on
 * the local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix, the alert-service in this
 * process, and, in a child process, a socket.io server on the Redis adapter standing in for the
 * api with BENCH_CONSOLES county consoles connected; prints one JSON.
 *
 *   raw parts, same database and Redis, same minutes:
 *     pg single-row insert commits/s (8 clients), pg new-alert-shaped 10-statement transactions/s
 *     (8 clients), BullMQ jobs/s added in bulk and processed by a worker that does nothing
 *   1. burst: BENCH_NEW events on as many cameras, each makes an alert; alerts/s from the first
 *      add to the last alert.created at the consoles
 *   2. storm: BENCH_STORM events on BENCH_STORM_CAMERAS cameras, correlated into one alert each;
 *      events/s until every event is recorded
 *   3. paced: BENCH_RATE events/s for BENCH_PACED_SECONDS over BENCH_PACED_CAMERAS cameras (new
 *      alerts, then correlated), event → alert.created/updated at each console, p50/p95/p99
 *   4. soak: BENCH_SOAK_SECONDS (default 600) of mixed load at BENCH_SOAK_RATE (new, correlated,
 *      duplicate, recovery), memory and queue depth sampled every 10 s
 * Each phase prints the intake's time per step (AlertService.intakeProfile) and the rates as
 * ratios to the raw parts.
 *
 *   npm run bench:alerts          (BENCH_SOAK_SECONDS=120 npm run bench:alerts for a short soak)
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-adapter';
import { Queue, Worker } from 'bullmq';
import { Client, Pool } from 'pg';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import {
  regionRoom,
  type AlertChangeMessage,
  type RawEvent,
  type ServerToClientEvents,
} from '@xueliang/contracts';
import { migrateDatabase, seedDemoCounty } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { eventsQueue, jobIdFor, socketIoKey } from '@xueliang/queue';
import { AlertService } from '../apps/alert-service/src/alert-service';

const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const NEW = num('BENCH_NEW', 2000);
const STORM = num('BENCH_STORM', 5000);
const STORM_CAMERAS = num('BENCH_STORM_CAMERAS', 50);
const RATE = num('BENCH_RATE', 1000);
const PACED_SECONDS = num('BENCH_PACED_SECONDS', 60);
const PACED_CAMERAS = num('BENCH_PACED_CAMERAS', 500);
const CONSOLES = num('BENCH_CONSOLES', 20);
const SOAK_SECONDS = num('BENCH_SOAK_SECONDS', 600);
const SOAK_RATE = num('BENCH_SOAK_RATE', 100);
const SOAK_CAMERAS = num('BENCH_SOAK_CAMERAS', 200);
const RAW_SECONDS = num('BENCH_RAW_SECONDS', 3);
const RAW_CLIENTS = 8;
const BULL_JOBS = num('BENCH_BULL_JOBS', 20_000);
const CONCURRENCY = num('ALERT_WORKER_CONCURRENCY', 2);
const BATCH = num('ALERT_BATCH_SIZE', 50);

/** Wall-clock milliseconds with sub-ms precision, comparable across processes on one machine. */
const nowAbs = (): number => performance.timeOrigin + performance.now();
/** q-quantile of ascending `sorted`. */
function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const percentiles = (v: number[]): Record<string, number> => {
  // Typed-array sort: numeric and fast for the paced phase's million samples.
  const s = Array.from(Float64Array.from(v).sort());
  return {
    samples: s.length,
    p50: round(quantile(s, 0.5)),
    p95: round(quantile(s, 0.95)),
    p99: round(quantile(s, 0.99)),
    max: round(s.length ? s[s.length - 1] : NaN),
  };
};

/** A push as a console saw it: which console, alert key (camera|type), its eventCount, when (nowAbs). */
type Seen = [consoleIndex: number, key: string, count: number, at: number];
type ChildMessage = { ready: true } | { seen: Seen[] } | { closed: true };

// ---------------------------------------------------------------------------------------------
// Child: the api's socket.io side and the consoles, in a process of their own so that their CPU
// is not counted against the alert-service's event loop (in production they are other processes).
async function consolesChild(): Promise<void> {
  const prefix = process.env.BENCH_PREFIX!;
  const county = process.env.BENCH_COUNTY!;
  const pub = createRedis(REDIS_URL);
  const sub = pub.duplicate();
  const http = createServer();
  const ioServer = new Server<Record<string, never>, ServerToClientEvents>(http);
  ioServer.adapter(createAdapter(pub, sub, { key: socketIoKey(prefix) }));
  ioServer.on('connection', (s) => void s.join(regionRoom(county)));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  let buffer: Seen[] = [];
  const clients = await Promise.all(
    Array.from({ length: CONSOLES }, async (_, index) => {
      const c = connectClient(url, { transports: ['websocket'] });
      const onPush = (m: AlertChangeMessage): void => {
        if (m.alert.cameraId)
          buffer.push([index, `${m.alert.cameraId}|${m.alert.type}`, m.alert.eventCount, nowAbs()]);
      };
      c.on('alert.created', onPush);
      c.on('alert.updated', onPush);
      await new Promise<void>((r) => c.once('connect', () => r()));
      return c;
    }),
  );
  const flush = setInterval(() => {
    if (!buffer.length) return;
    process.send!({ seen: buffer } satisfies ChildMessage);
    buffer = [];
  }, 100);
  process.on('message', (m: { close?: boolean }) => {
    if (!m.close) return;
    clearInterval(flush);
    if (buffer.length) process.send!({ seen: buffer } satisfies ChildMessage);
    clients.forEach((c) => c.disconnect());
    void ioServer.close().then(async () => {
      await Promise.all([pub.quit(), sub.quit()]);
      process.send!({ closed: true } satisfies ChildMessage, () => process.exit(0));
    });
  });
  process.send!({ ready: true } satisfies ChildMessage);
}

// ---------------------------------------------------------------------------------------------
// Raw parts.

/** Commits/s of `work` run back to back by RAW_CLIENTS clients for RAW_SECONDS. */
async function commitRate(pool: Pool, work: (c: Client, i: number) => Promise<void>): Promise<number> {
  let done = 0;
  const end = performance.now() + RAW_SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RAW_CLIENTS }, async (_, w) => {
      const c = (await pool.connect()) as unknown as Client & { release(): void };
      try {
        for (let i = 0; performance.now() < end; i++) {
          await work(c, w * 10_000_000 + i);
          done++;
        }
      } finally {
        c.release();
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

async function rawPostgres(databaseUrl: string): Promise<{ singleRow: number; newAlertShaped: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: RAW_CLIENTS });
  try {
    await pool.query(`CREATE TABLE bench_raw (id text PRIMARY KEY, payload jsonb NOT NULL, alert_id bigint)`);
    await pool.query(
      `CREATE TABLE bench_alert (id bigserial PRIMARY KEY, key text NOT NULL, view jsonb NOT NULL)`,
    );
    await pool.query(`CREATE INDEX ON bench_alert (key)`);
    await pool.query(`CREATE TABLE bench_log (id bigserial PRIMARY KEY, alert_id bigint, data jsonb)`);
    const payload = JSON.stringify({
      source: 'camera',
      type: 'intrusion',
      occurredAt: new Date().toISOString(),
    });
    const singleRow = await commitRate(pool, async (c, i) => {
      await c.query('INSERT INTO bench_raw (id, payload) VALUES ($1, $2)', [`s${i}`, payload]);
    });
    // What a new alert cost before batching: lock, raw insert, mute check, policy, open-alert
    // lookup, alert insert, raw link, timeline, audit, change log, in one transaction.
    const newAlertShaped = await commitRate(pool, async (c, i) => {
      const key = `k${i}`;
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      await c.query('INSERT INTO bench_raw (id, payload) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        `t${i}`,
        payload,
      ]);
      await c.query('SELECT 1 FROM alert_mutes WHERE camera_id = $1::uuid LIMIT 1', [
        '00000000-0000-4000-8000-000000000000',
      ]);
      await c.query(`SELECT * FROM sla_policies WHERE alert_type = 'intrusion' AND priority = 'high'`);
      await c.query('SELECT id FROM bench_alert WHERE key = $1 LIMIT 1', [key]);
      const { rows } = await c.query<{ id: string }>(
        'INSERT INTO bench_alert (key, view) VALUES ($1, $2) RETURNING id',
        [key, payload],
      );
      await c.query('UPDATE bench_raw SET alert_id = $2 WHERE id = $1', [`t${i}`, rows[0].id]);
      await c.query('INSERT INTO bench_log (alert_id, data) VALUES ($1, $2)', [rows[0].id, payload]);
      await c.query('INSERT INTO bench_log (alert_id, data) VALUES ($1, $2)', [rows[0].id, payload]);
      await c.query('INSERT INTO bench_log (alert_id, data) VALUES ($1, $2)', [rows[0].id, payload]);
      await c.query('COMMIT');
    });
    return { singleRow: round(singleRow), newAlertShaped: round(newAlertShaped) };
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_raw, bench_alert, bench_log').catch(() => undefined);
    await pool.end();
  }
}

/** Jobs/s through BullMQ on the same Redis: added in bulk, processed by a worker that does nothing. */
async function rawBullmq(prefix: string, name: string): Promise<number> {
  const connection = createRedis(REDIS_URL);
  const queue = new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { count: 10_000 } },
  });
  let done = 0;
  let finished = (): void => undefined;
  const all = new Promise<void>((r) => (finished = r));
  const worker = new Worker(
    name,
    async () => {
      if (++done === BULL_JOBS) finished();
      return null;
    },
    { connection: createRedis(REDIS_URL), prefix, concurrency: CONCURRENCY * BATCH },
  );
  await worker.waitUntilReady();
  const start = performance.now();
  for (let i = 0; i < BULL_JOBS; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, BULL_JOBS - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { jobId: `noop|${i + j}` },
      })),
    );
  }
  await all;
  const rate = BULL_JOBS / ((performance.now() - start) / 1000);
  await worker.close();
  await queue.close();
  await connection.quit();
  return round(rate);
}

// ---------------------------------------------------------------------------------------------

/** Events added per alert key (camera|type), in order; a push with eventCount n delivers the first n. */
class Deliveries {
  private readonly added = new Map<string, number[]>();
  /** Per console, per key, how many of its events were seen delivered. */
  private readonly delivered: Map<string, number>[];
  latencies: number[] = [];
  lastPushAt = 0;
  pushes = 0;

  constructor(consoles: number) {
    this.delivered = Array.from({ length: consoles }, () => new Map());
  }

  add(key: string, at = nowAbs()): void {
    const list = this.added.get(key);
    if (list) list.push(at);
    else this.added.set(key, [at]);
  }

  seen([consoleIndex, key, count, at]: Seen): void {
    this.pushes++;
    this.lastPushAt = Math.max(this.lastPushAt, at);
    const times = this.added.get(key);
    if (!times) return;
    const map = this.delivered[consoleIndex];
    const from = map.get(key) ?? 0;
    const to = Math.min(count, times.length);
    for (let i = from; i < to; i++) this.latencies.push(at - times[i]);
    if (to > from) map.set(key, to);
  }

  /** Events whose delivery every console has seen. */
  deliveredEverywhere(): number {
    let min = Infinity;
    for (const m of this.delivered) {
      let n = 0;
      for (const v of m.values()) n += v;
      min = Math.min(min, n);
    }
    return min === Infinity ? 0 : min;
  }

  reset(): void {
    this.added.clear();
    this.delivered.forEach((m) => m.clear());
    this.latencies = [];
    this.pushes = 0;
    this.lastPushAt = 0;
  }
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbName = `xl_bench_alerts_${runId}`;
  const prefix = `xlb-${runId}`;
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const redis = createRedis(REDIS_URL);
  const pg = new Client({ connectionString: databaseUrl });
  let service: AlertService | null = null;
  let child: ChildProcess | null = null;
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoCounty({
      databaseUrl,
      credentialKey: 'b3'.repeat(32),
      cameras: NEW + STORM_CAMERAS + PACED_CAMERAS + SOAK_CAMERAS,
    });
    await pg.connect();
    const cameras = (await pg.query<{ id: string }>('SELECT id FROM cameras ORDER BY id')).rows.map(
      (r) => r.id,
    );
    const county = (await pg.query<{ id: string }>(`SELECT id FROM regions WHERE level = 'county'`)).rows[0]
      .id;

    const raw = {
      postgres: await rawPostgres(databaseUrl),
      bullmqNoopJobsPerSecond: await rawBullmq(prefix, 'noop-before'),
    };
    console.error(`raw parts: ${JSON.stringify(raw)}`);

    const deliveries = new Deliveries(CONSOLES);
    const consoles = fork(__filename, [], {
      env: { ...process.env, BENCH_ROLE: 'consoles', BENCH_PREFIX: prefix, BENCH_COUNTY: county },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = consoles;
    await new Promise<void>((resolve, reject) => {
      consoles.once('exit', (code) => reject(new Error(`consoles exited ${code}`)));
      consoles.on('message', (m: ChildMessage) => {
        if ('ready' in m) resolve();
        if ('seen' in m) m.seen.forEach((s) => deliveries.seen(s));
      });
    });

    service = new AlertService({
      databaseUrl,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      concurrency: CONCURRENCY,
      batchSize: BATCH,
    });
    await service.start();
    const queue = eventsQueue(redis, prefix);
    const add = (events: RawEvent[]): Promise<unknown> =>
      queue.addBulk(events.map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })));
    const recorded = async (like: string): Promise<number> =>
      Number(
        (await pg.query<{ n: string }>('SELECT count(*) AS n FROM raw_events WHERE id LIKE $1', [like]))
          .rows[0].n,
      );
    const ev = (
      id: string,
      cameraId: string,
      type: RawEvent['type'],
      patch: Partial<RawEvent> = {},
    ): RawEvent => ({
      id,
      source: 'camera',
      type,
      occurredAt: new Date().toISOString(),
      cameraId,
      ...patch,
    });
    service.intakeProfile(true);

    // 1. burst of new alerts
    const fresh = cameras.slice(0, NEW);
    const burstStart = nowAbs();
    for (let i = 0; i < fresh.length; i += 500) {
      const batch = fresh.slice(i, i + 500).map((c, j) => ev(`bench:new:${i + j}`, c, 'intrusion'));
      const at = nowAbs();
      batch.forEach((e) => deliveries.add(`${e.cameraId}|intrusion`, at));
      await add(batch);
    }
    while (deliveries.deliveredEverywhere() < NEW * 1) await sleep(20);
    const burstSeconds = (deliveries.lastPushAt - burstStart) / 1000;
    const burst = {
      alerts: NEW,
      seconds: round(burstSeconds, 2),
      alertsPerSecond: round(NEW / burstSeconds),
      eventToConsoleMs: percentiles(deliveries.latencies),
      profile: service.intakeProfile(true),
    };
    console.error(`burst: ${burst.alertsPerSecond}/s`);
    deliveries.reset();

    // 2. storm
    const stormCams = cameras.slice(NEW, NEW + STORM_CAMERAS);
    const stormStart = performance.now();
    for (let i = 0; i < STORM; i += 1000) {
      await add(
        Array.from({ length: Math.min(1000, STORM - i) }, (_, j) =>
          ev(`bench:storm:${i + j}`, stormCams[(i + j) % stormCams.length], 'motion'),
        ),
      );
    }
    while ((await recorded('bench:storm:%')) < STORM) await sleep(25);
    const stormSeconds = (performance.now() - stormStart) / 1000;
    const stormAlerts = (
      await pg.query<{ n: string; c: string }>(
        `SELECT count(*) AS n, sum(event_count) AS c FROM alerts WHERE camera_id = ANY($1::uuid[])`,
        [stormCams],
      )
    ).rows[0];
    const storm = {
      events: STORM,
      cameras: STORM_CAMERAS,
      seconds: round(stormSeconds, 2),
      eventsPerSecond: round(STORM / stormSeconds),
      alerts: Number(stormAlerts.n),
      counted: Number(stormAlerts.c),
      pushesPerConsole: round(deliveries.pushes / CONSOLES, 0),
      profile: service.intakeProfile(true),
    };
    console.error(`storm: ${storm.eventsPerSecond}/s`);
    await sleep(500);
    deliveries.reset();

    // 3. paced
    const pacedCams = cameras.slice(NEW + STORM_CAMERAS, NEW + STORM_CAMERAS + PACED_CAMERAS);
    const total = RATE * PACED_SECONDS;
    const pacedStart = performance.now();
    const tick = 10; // ms: add what is due every tick, as many producers would
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - pacedStart) * RATE) / 1000) + 1);
      if (due > sent) {
        const events: RawEvent[] = [];
        for (; sent < due; sent++) {
          const c = pacedCams[sent % pacedCams.length];
          events.push(ev(`bench:paced:${sent}`, c, 'line_crossing'));
        }
        const at = nowAbs();
        events.forEach((e) => deliveries.add(`${e.cameraId}|line_crossing`, at));
        await add(events);
      }
      await sleep(tick);
    }
    const offeredSeconds = (performance.now() - pacedStart) / 1000;
    const drainBy = performance.now() + 300_000;
    while (deliveries.deliveredEverywhere() < total && performance.now() < drainBy) await sleep(50);
    const paced = {
      ratePerSecond: RATE,
      seconds: PACED_SECONDS,
      offeredPerSecond: round(total / offeredSeconds),
      cameras: PACED_CAMERAS,
      consoles: CONSOLES,
      deliveredToEveryConsole: deliveries.deliveredEverywhere(),
      eventToConsoleMs: percentiles(deliveries.latencies),
      profile: service.intakeProfile(true),
    };
    console.error(`paced: p99 ${paced.eventToConsoleMs.p99} ms`);
    deliveries.reset();
    // A machine that could not keep up leaves a backlog: the soak starts from an empty queue.
    const backlogBy = performance.now() + 600_000;
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active');
      if (c.waiting + c.active === 0 || performance.now() > backlogBy) break;
      await sleep(500);
    }
    service.intakeProfile(true);

    // 4. soak: mixed load, memory and queue depth over time
    const soakCams = cameras.slice(NEW + STORM_CAMERAS + PACED_CAMERAS);
    const samples: {
      t: number;
      rssMb: number;
      heapMb: number;
      waiting: number;
      active: number;
      lagEvents: number;
    }[] = [];
    const soakStart = performance.now();
    let soakSent = 0;
    let nextSample = 0;
    while (performance.now() - soakStart < SOAK_SECONDS * 1000) {
      const elapsed = performance.now() - soakStart;
      const due = Math.floor((elapsed * SOAK_RATE) / 1000);
      const events: RawEvent[] = [];
      for (; soakSent < due; soakSent++) {
        const c = soakCams[soakSent % soakCams.length];
        const r = soakSent % 20;
        // 85% repeats (correlated), 5% a new type, 5% offline then recovered, 5% duplicates
        if (r === 0) events.push(ev(`bench:soak:${soakSent}`, c, 'intrusion'));
        else if (r === 1) events.push(ev(`bench:soak:${soakSent}`, c, 'camera_offline'));
        else if (r === 2) events.push(ev(`bench:soak:${soakSent}`, c, 'camera_offline', { recovered: true }));
        else if (r === 3 && soakSent >= 20)
          events.push(ev(`bench:soak:${soakSent - 4}`, soakCams[(soakSent - 4) % soakCams.length], 'motion'));
        else events.push(ev(`bench:soak:${soakSent}`, c, 'motion'));
      }
      if (events.length) await add(events);
      if (elapsed >= nextSample) {
        nextSample += 10_000;
        const counts = await queue.getJobCounts('waiting', 'active');
        const mem = process.memoryUsage();
        samples.push({
          t: round(elapsed / 1000, 0),
          rssMb: round(mem.rss / 2 ** 20),
          heapMb: round(mem.heapUsed / 2 ** 20),
          waiting: counts.waiting,
          active: counts.active,
          lagEvents: soakSent - (await recorded('bench:soak:%')),
        });
      }
      await sleep(20);
    }
    const third = Math.max(1, Math.floor(samples.length / 3));
    const avg = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const soak = {
      seconds: SOAK_SECONDS,
      ratePerSecond: SOAK_RATE,
      events: soakSent,
      firstThird: {
        heapMb: avg(samples.slice(0, third).map((s) => s.heapMb)),
        rssMb: avg(samples.slice(0, third).map((s) => s.rssMb)),
        waiting: avg(samples.slice(0, third).map((s) => s.waiting)),
      },
      lastThird: {
        heapMb: avg(samples.slice(-third).map((s) => s.heapMb)),
        rssMb: avg(samples.slice(-third).map((s) => s.rssMb)),
        waiting: avg(samples.slice(-third).map((s) => s.waiting)),
      },
      samples,
      profile: service.intakeProfile(true),
    };
    await queue.close();
    await service.stop();
    service = null;
    // The machine is shared: the raw parts again, to bracket the phases.
    const rawAfter = {
      postgres: await rawPostgres(databaseUrl),
      bullmqNoopJobsPerSecond: await rawBullmq(prefix, 'noop-after'),
    };
    console.error(`raw parts after: ${JSON.stringify(rawAfter)}`);

    const pgSingle = raw.postgres.singleRow;
    const pgShaped = raw.postgres.newAlertShaped;
    const bull = raw.bullmqNoopJobsPerSecond;
    console.log(
      JSON.stringify(
        {
          bench: 'alerts-intake',
          at: new Date().toISOString(),
          machine: {
            cpus: os.cpus().length,
            model: os.cpus()[0]?.model,
            node: process.version,
            loadAverage: os.loadavg().map((l) => round(l, 2)),
          },
          intake: { batchesInFlight: CONCURRENCY, batchSize: BATCH },
          raw,
          rawAfter,
          ratios: {
            stormToPgSingleRow: round(storm.eventsPerSecond / pgSingle, 3),
            stormToBullmqNoop: round(storm.eventsPerSecond / bull, 3),
            newAlertsToPgShapedTx: round(burst.alertsPerSecond / pgShaped, 3),
            newAlertsToPgSingleRow: round(burst.alertsPerSecond / pgSingle, 3),
            newAlertsToBullmqNoop: round(burst.alertsPerSecond / bull, 3),
          },
          burstOfNewAlerts: burst,
          storm,
          paced,
          soak,
        },
        null,
        2,
      ),
    );
  } finally {
    await service?.stop();
    if (child && child.connected) {
      const c = child;
      await new Promise<void>((r) => {
        c.once('exit', () => r());
        c.send({ close: true });
      });
    }
    await pg.end().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

(process.env.BENCH_ROLE === 'consoles' ? consolesChild() : main()).then(
  () => {
    if (process.env.BENCH_ROLE !== 'consoles') process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
