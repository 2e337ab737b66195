/**
 * Retention sweep benchmark (docs/PERFORMANCE.md, "Recording" > "Retention"). Self-contained:
 * its own database on the local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix and
 * recordings directory, the gateway's retention sweeper in this process; prints one JSON.
 *
 * BENCH_ROWS segment rows (default 1,000,000) of BENCH_CAMERAS cameras (default 200) spread
 * over 31 days, 4 s each, with an empty file on disk for every row a sweep will delete.
 *   0. countAll: the full per-camera byte count a gateway makes at start (then hourly)
 *   1. retention by days: the first sweep deletes the day past the 30-day retention
 *   2. steady: a sweep with nothing to delete (what runs every 30 s)
 *   3. quota: the quota set so that ~12 % of the footage must go, oldest first across cameras
 *
 *   npm run bench:retention
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { migrateDatabase } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { createGatewayApp } from '../apps/camera-gateway/src/bootstrap';
import { RetentionSweeper } from '../apps/camera-gateway/src/recording/retention';
import { RetentionRepository } from '../apps/camera-gateway/src/recording/retention/retention.repository';
import { createBenchDatabase } from './support';

const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 200);
const BYTES = 6_000;
const DAYS = 31;
const GATEWAY = 'gw-bench';

async function gateway(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  Object.assign(process.env, env);
  const app = await createGatewayApp({ logger: false });
  await app.init();
  return app;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const value = await f();
  return [value, Number((process.hrtime.bigint() - t) / 1_000_000n)];
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbName = `xl_bench_retention_${runId}`;
  const { admin, databaseUrl } = await createBenchDatabase(PG_ADMIN, dbName);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xl-bench-retention-'));
  const pg = new Client({ connectionString: databaseUrl });
  const apps: INestApplication[] = [];
  const redis = createRedis(REDIS_URL);
  const prefix = `xlb-${runId}`;
  try {
    await migrateDatabase(databaseUrl);
    await pg.connect();
    const now = Date.now();
    const perCamera = Math.floor(ROWS / CAMERAS);
    const spacingMs = Math.floor((DAYS * 86_400_000) / perCamera);
    const [, insertMs] = await timed(() =>
      pg.query(
        `INSERT INTO recording_segments (camera_id, stream, start_at, end_at, bytes, sha256, prev_sha256, chain_day, path, gateway_id)
         SELECT cam, 'sub', t, t + interval '4 seconds', $1, md5(cam::text || i) || md5(i::text || cam::text), NULL,
                (t AT TIME ZONE 'UTC')::date, cam::text || '/sub/' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '/' || (extract(epoch from t) * 1000)::bigint || '.ts', $2
         FROM (SELECT gen_random_uuid() AS cam FROM generate_series(1, $3)) c,
              generate_series(0, $4 - 1) i,
              LATERAL (SELECT to_timestamp(($5::bigint - i::bigint * $6::bigint - 60000) / 1000.0) AS t) x`,
        [BYTES, GATEWAY, CAMERAS, perCamera, now, spacingMs],
      ),
    );
    await pg.query('ANALYZE recording_segments');
    const total = Number(
      (await pg.query<{ n: string }>('SELECT count(*) AS n FROM recording_segments')).rows[0].n,
    );

    // Files for every row a sweep deletes: past 30 days, and the next ~12 % the quota takes.
    const expiredCut = new Date(now - 30 * 86_400_000);
    const quotaShare = 0.12;
    const kept = Number(
      (
        await pg.query<{ n: string }>('SELECT count(*) AS n FROM recording_segments WHERE end_at >= $1', [
          expiredCut,
        ])
      ).rows[0].n,
    );
    const quotaRows = Math.ceil(kept * quotaShare) + CAMERAS;
    const { rows: victims } = await pg.query<{ path: string }>(
      'SELECT path FROM recording_segments ORDER BY start_at LIMIT $1',
      [total - kept + quotaRows],
    );
    const dirs = new Set(victims.map((v) => path.dirname(v.path)));
    for (const d of dirs) await fs.mkdir(path.join(dir, d), { recursive: true });
    const [, filesMs] = await timed(async () => {
      for (let i = 0; i < victims.length; i += 500) {
        await Promise.all(victims.slice(i, i + 500).map((v) => fs.writeFile(path.join(dir, v.path), '')));
      }
    });

    const base = {
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      GATEWAY_ID: GATEWAY,
      GATEWAY_BACKGROUND: 'false',
      RECORDINGS_DIR: dir,
      JWT_SECRET: 'bench-secret-that-is-long-enough',
      CREDENTIAL_KEY: 'b3'.repeat(32),
      LOG_LEVEL: 'warn',
      RECORDING_MAX_DISK_SHARE: '1',
      RECORDING_QUOTA_BYTES: String(1e15),
    };
    const roomy = await gateway(base);
    apps.push(roomy);
    const [, countAllMs] = await timed(() => roomy.get(RetentionRepository).countAll(GATEWAY));
    const sweeper = roomy.get(RetentionSweeper);
    const [byDays, retentionMs] = await timed(() => sweeper.sweep());
    const [steady, steadyMs] = await timed(() => sweeper.sweep());
    await roomy.close();
    apps.pop();

    // Quota: low water = what is left minus ~12 %.
    const used = kept * BYTES;
    const quotaBytes = Math.floor((used - kept * quotaShare * BYTES) / 0.8);
    const tight = await gateway({ ...base, RECORDING_QUOTA_BYTES: String(quotaBytes) });
    apps.push(tight);
    const quotaSweeper = tight.get(RetentionSweeper);
    const [byQuota, quotaMs] = await timed(() => quotaSweeper.sweep());

    console.log(
      JSON.stringify(
        {
          bench: 'recording-retention',
          rows: total,
          cameras: CAMERAS,
          days: DAYS,
          cpus: os.cpus().length,
          setup: { insertMs, files: victims.length, filesMs },
          countAllMs,
          retentionByDays: {
            deleted: byDays.deletedByRetention,
            ms: retentionMs,
            rowsPerSecond: Math.round(
              (byDays.deletedByRetention * 1000) / Math.max(1, retentionMs - countAllMs),
            ),
            note: 'first sweep of a gateway: includes countAll',
          },
          steadySweep: { deleted: steady.deletedByRetention + steady.deletedByQuota, ms: steadyMs },
          quota: {
            deleted: byQuota.deletedByQuota,
            ms: quotaMs,
            rowsPerSecond: Math.round((byQuota.deletedByQuota * 1000) / Math.max(1, quotaMs - countAllMs)),
            condition: byQuota.condition,
            note: 'first sweep of a gateway: includes countAll',
          },
        },
        null,
        2,
      ),
    );
  } finally {
    for (const app of apps) await app.close().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await redis.quit().catch(() => undefined);
    if (process.env.BENCH_KEEP === '1') console.error(`kept database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
