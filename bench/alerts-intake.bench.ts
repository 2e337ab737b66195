/**
 * Alert intake benchmark (docs/PERFORMANCE.md, "Alerts"). Self-contained: its own database on
 * the local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix, the alert-service in this
 * process, and a socket.io server on the Redis adapter standing in for the api; prints one JSON.
 *
 *   0. paced: BENCH_PACED events at BENCH_RATE per second, each a new alert: event → alert.created
 *      latency (p50/p95) of an unloaded pipeline, as a county console would see it
 *   1. burst of new alerts: BENCH_NEW events on as many cameras, each makes an alert; events/s from the
 *      first add to the last alert.created, and event → alert.created latency (p50/p95) as a
 *      county console would see it
 *   2. storm: BENCH_STORM events on BENCH_STORM_CAMERAS cameras, correlated into one alert each;
 *      events/s until every event is recorded
 *
 *   npx swc bench/alerts-intake.bench.ts apps/alert-service libs -d dist --config-file .swcrc --quiet \
 *     && node dist/bench/alerts-intake.bench.js
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-adapter';
import { Client } from 'pg';
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
const NEW = Number(process.env.BENCH_NEW ?? 2000);
const PACED = Number(process.env.BENCH_PACED ?? 300);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const STORM = Number(process.env.BENCH_STORM ?? 5000);
const STORM_CAMERAS = Number(process.env.BENCH_STORM_CAMERAS ?? 50);
const CONCURRENCY = Number(process.env.ALERT_WORKER_CONCURRENCY ?? 8);

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  const pub = createRedis(REDIS_URL);
  const sub = pub.duplicate();
  const pg = new Client({ connectionString: databaseUrl });
  let service: AlertService | null = null;
  const http = createServer();
  const ioServer = new Server<Record<string, never>, ServerToClientEvents>(http);
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoCounty({
      databaseUrl,
      credentialKey: 'b3'.repeat(32),
      cameras: PACED + NEW + STORM_CAMERAS,
    });
    await pg.connect();
    const cameras = (await pg.query<{ id: string }>('SELECT id FROM cameras ORDER BY id')).rows.map(
      (r) => r.id,
    );
    const county = (await pg.query<{ id: string }>(`SELECT id FROM regions WHERE level = 'county'`)).rows[0]
      .id;

    // The api's side of socket.io, reduced to what a county console needs.
    ioServer.adapter(createAdapter(pub, sub, { key: socketIoKey(prefix) }));
    ioServer.on('connection', (s) => void s.join(regionRoom(county)));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
    });
    await new Promise<void>((r) => client.once('connect', () => r()));

    service = new AlertService({
      databaseUrl,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      concurrency: CONCURRENCY,
    });
    await service.start();
    const queue = eventsQueue(redis, prefix);

    const added = new Map<string, number>();
    let latencies: number[] = [];
    let lastCreated = 0;
    client.on('alert.created', (m: AlertChangeMessage) => {
      const t0 = m.alert.cameraId ? added.get(m.alert.cameraId) : undefined;
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      lastCreated = performance.now();
    });

    // 0. paced
    const pacedStart = performance.now();
    for (let i = 0; i < PACED; i++) {
      const due = pacedStart + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const e: RawEvent = {
        id: `bench:paced:${i}`,
        source: 'camera',
        type: 'intrusion',
        occurredAt: new Date().toISOString(),
        cameraId: cameras[NEW + STORM_CAMERAS + i],
      };
      added.set(e.cameraId!, performance.now());
      await queue.add('raw-event', e, { jobId: jobIdFor(e.id) });
    }
    while (latencies.length < PACED) await sleep(20);
    const paced = [...latencies];
    latencies = [];

    // 1. burst of new alerts
    const fresh = cameras.slice(0, NEW);
    const start = performance.now();
    for (let i = 0; i < fresh.length; i += 500) {
      const batch = fresh.slice(i, i + 500).map((cameraId, j): RawEvent => ({
        id: `bench:new:${i + j}`,
        source: 'camera',
        type: 'intrusion',
        occurredAt: new Date().toISOString(),
        cameraId,
      }));
      const now = performance.now();
      batch.forEach((e) => added.set(e.cameraId!, now));
      await queue.addBulk(
        batch.map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })),
      );
    }
    while (latencies.length < NEW) await sleep(20);
    const newSeconds = (lastCreated - start) / 1000;

    // 2. storm
    const stormCams = cameras.slice(NEW, NEW + STORM_CAMERAS);
    const stormStart = performance.now();
    for (let i = 0; i < STORM; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, STORM - i) }, (_, j): RawEvent => ({
        id: `bench:storm:${i + j}`,
        source: 'camera',
        type: 'motion',
        occurredAt: new Date().toISOString(),
        cameraId: stormCams[(i + j) % stormCams.length],
      }));
      await queue.addBulk(
        batch.map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })),
      );
    }
    for (;;) {
      const { rows } = await pg.query<{ n: string }>(
        `SELECT count(*) AS n FROM raw_events WHERE id LIKE 'bench:storm:%'`,
      );
      if (Number(rows[0].n) >= STORM) break;
      await sleep(50);
    }
    const stormSeconds = (performance.now() - stormStart) / 1000;
    const stormAlerts = (
      await pg.query<{ n: string; c: string }>(
        `SELECT count(*) AS n, sum(event_count) AS c FROM alerts WHERE camera_id = ANY($1::uuid[])`,
        [stormCams],
      )
    ).rows[0];
    client.disconnect();
    await queue.close();

    console.log(
      JSON.stringify(
        {
          bench: 'alerts-intake',
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
          workerConcurrency: CONCURRENCY,
          paced: {
            events: PACED,
            ratePerSecond: RATE,
            eventToAlertCreatedMs: {
              p50: round(quantile(paced, 0.5)),
              p95: round(quantile(paced, 0.95)),
              max: round(Math.max(...paced)),
            },
          },
          burstOfNewAlerts: {
            events: NEW,
            seconds: round(newSeconds, 2),
            eventsPerSecond: round(NEW / newSeconds),
            eventToAlertCreatedMs: {
              p50: round(quantile(latencies, 0.5)),
              p95: round(quantile(latencies, 0.95)),
              max: round(Math.max(...latencies)),
            },
          },
          storm: {
            events: STORM,
            cameras: STORM_CAMERAS,
            seconds: round(stormSeconds, 2),
            eventsPerSecond: round(STORM / stormSeconds),
            alerts: Number(stormAlerts.n),
            counted: Number(stormAlerts.c),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await service?.stop();
    // Awaited so the redis adapter has unsubscribed before pub/sub quit below.
    await ioServer.close();
    await pg.end().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await Promise.all([redis.quit(), pub.quit(), sub.quit()]);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
