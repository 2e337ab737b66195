/**
 * Camera import benchmark (docs/PERFORMANCE.md "Camera import"). Self-contained: its own
 * database on the local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix, a simulated fleet
 * of BENCH_IMPORT_CAMERAS cameras (each its own ONVIF HTTP port), one gateway with its background
 * loops (leases, health, events) and the api, all in this process; prints one JSON object.
 *
 *   1. dry run: one CSV of every camera uploaded as the console does (multipart), polled until done
 *   2. register: the same file, mode=register
 *   3. all online: from the start of the register run until every imported camera is held by the
 *      gateway and has passed its first health poll (last_seen_at written after the row was made)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { CameraFleet } from '../apps/camera-sim/src/fleet';
import type { ImportJobView } from '@xueliang/contracts';
import { migrateDatabase, seedDemoCounty } from '@xueliang/db';
import { createBenchDatabase, loginToken } from './support';

const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const CAMERAS = Number(process.env.BENCH_IMPORT_CAMERAS ?? 5000);
const CONCURRENCY = Number(process.env.IMPORT_PROBE_CONCURRENCY ?? 16);
const ONLINE_TIMEOUT_MS = Number(process.env.BENCH_ONLINE_TIMEOUT_MS ?? 600_000);
const CREDENTIAL_KEY = 'c3'.repeat(32);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

async function main(): Promise<void> {
  const dbName = `xl_bench_import_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const { admin, databaseUrl } = await createBenchDatabase(PG_ADMIN, dbName);
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: `xlbench-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: 'bench-secret-long-enough-1234',
    CREDENTIAL_KEY,
    LOG_LEVEL: 'error',
    FFMPEG_PATH: FFMPEG,
    GATEWAY_ID: 'gw-bench-import',
    IMPORT_PROBE_CONCURRENCY: String(CONCURRENCY),
    DISCOVERY_MULTICAST: 'false',
    HLS_DIR: path.join(os.tmpdir(), 'xl-bench-import-hls'),
  });

  let fleet: CameraFleet | undefined;
  let gateway: INestApplication | undefined;
  let api: INestApplication | undefined;
  const db = new Client({ connectionString: databaseUrl });
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoCounty({ databaseUrl, credentialKey: CREDENTIAL_KEY });
    await db.connect();
    // The seed's own demo cameras are not part of this run.
    await db.query('DELETE FROM cameras');
    const f0 = performance.now();
    fleet = await CameraFleet.start({
      count: CAMERAS,
      ptzEvery: 0,
      discovery: false,
      cacheDir: path.resolve('var/sim-cache'),
      ffmpegPath: FFMPEG,
    });
    const fleetStartS = round((performance.now() - f0) / 1000);

    const { createGatewayApp, startGateway } = await import('../apps/camera-gateway/src/bootstrap');
    gateway = await createGatewayApp({ logger: false });
    await startGateway(gateway, 0, '127.0.0.1');
    const { createApiApp } = await import('../apps/api/src/bootstrap');
    api = await createApiApp({ logger: false });
    await api.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
    const accessToken = await loginToken(apiUrl, 'technician');
    const auth = { authorization: `Bearer ${accessToken}` };

    // One county's worth of rows over the demo villages, half with a recording policy.
    const villages = (
      await db.query<{ code: string }>(`SELECT code FROM regions WHERE level = 'village' ORDER BY code`)
    ).rows;
    const lines = ['地址,用户名,密码,名称,区域,经度,纬度,录像模式,录像码流,保留天数,国标编码'];
    fleet.list().forEach((c, i) => {
      const code = `62079900001320${String(i).padStart(6, '0')}`;
      const policy = i % 2 ? '连续,子码流,30' : ',,';
      lines.push(
        [
          c.xaddr,
          c.username,
          c.password,
          `导入-${i}`,
          villages[i % villages.length].code,
          c.location.lon,
          c.location.lat,
          policy,
          code,
        ].join(','),
      );
    });
    const file = new Blob([lines.join('\n')], { type: 'text/csv' });

    const run = async (mode: 'dry-run' | 'register'): Promise<{ job: ImportJobView; seconds: number }> => {
      const form = new FormData();
      form.set('file', file, 'fleet.csv');
      form.set('mode', mode);
      const t0 = performance.now();
      const res = await fetch(`${apiUrl}/api/cameras/imports`, { method: 'POST', headers: auth, body: form });
      if (res.status !== 202) throw new Error(`import ${mode}: HTTP ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as ImportJobView;
      for (;;) {
        await sleep(250);
        const job = (await (
          await fetch(`${apiUrl}/api/cameras/imports/${id}`, { headers: auth })
        ).json()) as ImportJobView;
        if (job.state !== 'running') return { job, seconds: (performance.now() - t0) / 1000 };
      }
    };

    const dry = await run('dry-run');
    const r0 = performance.now();
    const reg = await run('register');
    let onlineS: number | null = null;
    const deadline = performance.now() + ONLINE_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const {
        rows: [{ n }],
      } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM cameras WHERE status = 'online' AND last_seen_at > created_at`,
      );
      if (Number(n) >= CAMERAS) {
        onlineS = (performance.now() - r0) / 1000;
        break;
      }
      await sleep(500);
    }
    const {
      rows: [{ online, total }],
    } = await db.query<{ online: string; total: string }>(
      `SELECT count(*) FILTER (WHERE status = 'online' AND last_seen_at > created_at) AS online, count(*) AS total FROM cameras`,
    );

    const summary = (r: { job: ImportJobView; seconds: number }) => ({
      seconds: round(r.seconds),
      rowsPerSecond: round(r.job.total / r.seconds),
      state: r.job.state,
      counts: r.job.counts,
    });
    console.log(
      JSON.stringify(
        {
          cameras: CAMERAS,
          probeConcurrency: CONCURRENCY,
          fleetStartSeconds: fleetStartS,
          dryRun: summary(dry),
          register: summary(reg),
          allOnline: {
            secondsFromRegisterStart: onlineS === null ? null : round(onlineS),
            online: Number(online),
            registered: Number(total),
            note: 'online = held by the gateway and its first health poll answered after registration',
          },
          note: 'sim, gateway and api share this one process and the machine',
          host: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version },
        },
        null,
        2,
      ),
    );
  } finally {
    await gateway?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await fleet?.stop().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
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
