/**
 * Playback benchmark (docs/PERFORMANCE.md, "Recording" > "Playback"). Self-contained: its own
 * database on the local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix, one gateway and the
 * api in this process; prints one JSON object.
 *
 *   1. index: BENCH_CAMERAS cameras × BENCH_DAYS days of 4 s segments (670,000 rows per camera
 *      for 31 days), with a one-minute hole and its gap row every six hours
 *   2. start: BENCH_SAMPLES random (camera, from, length 10 s … 24 h) playbacks, each timed as
 *      POST /api/cameras/:id/playback → GET playlist → GET first segment (what a player needs
 *      before its first frame), p50/p95 per step and in total
 *   3. coverage: GET /api/cameras/:id/recordings over the whole 31 days and over a random 24 h
 *
 * Only the first segment of each sampled range exists on disk (a real 4 s H.264 MPEG-TS clip
 * copied to its indexed path just before the sample): 2.7 million files would measure the
 * benchmark's own set-up. The copy leaves the file in the page cache, so the segment step is a
 * warm read; a cold disk adds one seek.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import type { PlaybackSession } from '@xueliang/contracts';
import { migrateDatabase, seedDemoCounty } from '@xueliang/db';
import { createBenchDatabase, loginToken, quantile } from './support';

const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 2);
const DAYS = Number(process.env.BENCH_DAYS ?? 31);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const COVERAGE_SAMPLES = Number(process.env.BENCH_COVERAGE_SAMPLES ?? 10);
const SEGMENT_S = 4;
const CREDENTIAL_KEY = 'c3'.repeat(32);

/** Deterministic samples so runs compare (mulberry32). */
let seed = 0x9e3779b9;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;
const stats = (v: number[]) => ({
  p50: round(quantile(v, 0.5)),
  p95: round(quantile(v, 0.95)),
  max: round(Math.max(...v)),
});

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const dbName = `xl_bench_pb_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const { admin, databaseUrl } = await createBenchDatabase(PG_ADMIN, dbName);
  const root = await mkdtemp(path.join(os.tmpdir(), 'xl-bench-recordings-'));
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: `xlbench-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: 'bench-secret-long-enough-1234',
    CREDENTIAL_KEY,
    LOG_LEVEL: 'error',
    FFMPEG_PATH: FFMPEG,
    GATEWAY_ID: 'gw-bench',
    GATEWAY_BACKGROUND: 'false',
    RECORDINGS_DIR: root,
  });

  let gateway: INestApplication | undefined;
  let api: INestApplication | undefined;
  const db = new Client({ connectionString: databaseUrl });
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoCounty({ databaseUrl, credentialKey: CREDENTIAL_KEY });
    await db.connect();

    // 1. The index. Segments end exactly where the next starts; every 5,400th segment starts a
    //    one-minute hole (15 segments missing) with its gap row, as after an ffmpeg restart.
    const region = (
      await db.query<{ id: string; path: string }>(`SELECT id, path FROM regions WHERE name = '清泉镇'`)
    ).rows[0];
    const cameraIds: string[] = [];
    for (let i = 0; i < CAMERAS; i++) {
      const r = await db.query<{ id: string }>(
        `INSERT INTO cameras (name, region_id, region_path, lon, lat, onvif_address, username, password_encrypted, status)
         VALUES ($1, $2, $3, 101.08, 38.78, $4, 'admin', 'x', 'online') RETURNING id`,
        [`bench-${i}`, region.id, region.path, `http://127.0.0.1:1/onvif/device_service#${i}`],
      );
      cameraIds.push(r.rows[0].id);
    }
    const end = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const start = end - DAYS * 86_400_000;
    const perCamera = (DAYS * 86_400) / SEGMENT_S;
    const t0 = performance.now();
    for (const id of cameraIds) {
      await db.query(
        `INSERT INTO recording_segments (camera_id, stream, start_at, end_at, bytes, sha256, chain_day, path, gateway_id, codec)
         SELECT $1::uuid, 'sub', s, s + interval '${SEGMENT_S} seconds', 60000, repeat('0', 64), (s AT TIME ZONE 'UTC')::date,
                $1::text || '/sub/' || to_char(s AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '/' ||
                  (extract(epoch FROM s) * 1000)::bigint || '.ts',
                'gw-bench', 'h264'
         FROM generate_series(0, $3 - 1) AS n, LATERAL (SELECT to_timestamp($2 / 1000.0) + n * interval '${SEGMENT_S} seconds' AS s) x
         WHERE n % 5400 >= 15`,
        [id, start, perCamera],
      );
      await db.query(
        `INSERT INTO recording_gaps (camera_id, stream, start_at, end_at, reason)
         SELECT $1::uuid, 'sub', to_timestamp($2 / 1000.0) + n * interval '${SEGMENT_S} seconds',
                to_timestamp($2 / 1000.0) + (n + 15) * interval '${SEGMENT_S} seconds', 'ffmpeg_exit'
         FROM generate_series(0, $3 - 1, 5400) AS n`,
        [id, start, perCamera],
      );
    }
    await db.query('VACUUM ANALYZE recording_segments');
    await db.query('VACUUM ANALYZE recording_gaps');
    const rows = Number(
      (await db.query<{ n: string }>('SELECT count(*) AS n FROM recording_segments')).rows[0].n,
    );
    const indexSeconds = round((performance.now() - t0) / 1000);

    // A real 4 s H.264 segment (sub-stream-like: 640×360, 15 fps, GOP 1 s, ~120 kb/s).
    const sample = path.join(root, 'sample.ts');
    await run(FFMPEG, [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15', '-t', String(SEGMENT_S)],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '15', '-b:v', '120k', '-f', 'mpegts', sample],
    ]);

    const { createGatewayApp, startGateway } = await import('../apps/camera-gateway/src/bootstrap');
    gateway = await createGatewayApp({ logger: false });
    await startGateway(gateway, 0, '127.0.0.1');
    const { createApiApp } = await import('../apps/api/src/bootstrap');
    api = await createApiApp({ logger: false });
    await api.listen(0, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
    const accessToken = await loginToken(apiUrl, 'duty');
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };

    // 2. Playback start over random ranges.
    const session: number[] = [];
    const playlist: number[] = [];
    const segment: number[] = [];
    const total: number[] = [];
    const playlistBytes: number[] = [];
    let sampled = 0;
    for (let i = 0; i < SAMPLES + 5; i++) {
      const cameraId = cameraIds[Math.floor(random() * cameraIds.length)];
      const lengthMs = Math.round(10_000 * Math.pow(8640, random())); // 10 s … 24 h, log-uniform
      const from = start + Math.floor(random() * (end - start - lengthMs));
      const to = from + lengthMs;
      // The first segment of the range must exist on disk: copy the sample to its indexed path.
      const first = await db.query<{ path: string }>(
        `SELECT path FROM recording_segments WHERE camera_id = $1 AND stream = 'sub' AND end_at > $2 AND start_at < $3
         ORDER BY start_at LIMIT 1`,
        [cameraId, new Date(from), new Date(to)],
      );
      if (!first.rows[0]) continue; // the range fell entirely into a hole
      const file = path.join(root, first.rows[0].path);
      await mkdir(path.dirname(file), { recursive: true });
      await copyFile(sample, file);

      const a = performance.now();
      const res = await fetch(`${apiUrl}/api/cameras/${cameraId}/playback`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          stream: 'sub',
        }),
      });
      if (res.status !== 200) throw new Error(`playback: HTTP ${res.status} ${await res.text()}`);
      const s = (await res.json()) as PlaybackSession;
      const b = performance.now();
      const text = await (await fetch(`${apiUrl}${s.playlistUrl}`)).text();
      const c = performance.now();
      const uri = text.split('\n').find((l) => l && !l.startsWith('#'));
      if (!uri) throw new Error(`empty playlist for ${JSON.stringify(s)}`);
      const seg = await fetch(`${apiUrl}${s.playlistUrl.replace(/index\.m3u8$/, uri)}`);
      const bytes = Buffer.from(await seg.arrayBuffer());
      const d = performance.now();
      if (seg.status !== 200 || bytes[0] !== 0x47) throw new Error(`segment: HTTP ${seg.status}`);
      await rm(file);
      if (i < 5) continue; // warm-up: JIT, connection pools
      sampled++;
      session.push(b - a);
      playlist.push(c - b);
      segment.push(d - c);
      total.push(d - a);
      playlistBytes.push(text.length);
    }

    // 3. Coverage: the whole index of a camera, and a random day with per-minute seconds.
    const coverage31: number[] = [];
    const coverage24: number[] = [];
    let spans = 0;
    for (let i = 0; i < COVERAGE_SAMPLES + 1; i++) {
      const cameraId = cameraIds[i % cameraIds.length];
      const a = performance.now();
      const all = await fetch(
        `${apiUrl}/api/cameras/${cameraId}/recordings?from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}&stream=sub`,
        { headers: auth },
      );
      const body = (await all.json()) as { spans: unknown[] };
      const b = performance.now();
      const dayFrom = start + Math.floor(random() * (end - start - 86_400_000));
      const day = await fetch(
        `${apiUrl}/api/cameras/${cameraId}/recordings?from=${new Date(dayFrom).toISOString()}&to=${new Date(dayFrom + 86_400_000).toISOString()}`,
        { headers: auth },
      );
      await day.json();
      const c = performance.now();
      if (all.status !== 200 || day.status !== 200)
        throw new Error(`coverage: HTTP ${all.status}/${day.status}`);
      if (i === 0) continue;
      spans = body.spans.length;
      coverage31.push(b - a);
      coverage24.push(c - b);
    }

    console.log(
      JSON.stringify(
        {
          index: {
            cameras: CAMERAS,
            days: DAYS,
            segmentSeconds: SEGMENT_S,
            rows,
            buildSeconds: indexSeconds,
          },
          playbackStartMs: {
            samples: sampled,
            rangeLength: '10 s … 24 h, log-uniform',
            session: stats(session),
            playlist: stats(playlist),
            firstSegment: stats(segment),
            total: stats(total),
            playlistBytes: { p50: quantile(playlistBytes, 0.5), max: Math.max(...playlistBytes) },
          },
          coverageMs: {
            samples: coverage31.length,
            days31: { ...stats(coverage31), spans },
            hours24WithMinutes: stats(coverage24),
          },
          machine: { cpus: os.cpus().length, node: process.version },
        },
        null,
        2,
      ),
    );
  } finally {
    await gateway?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await rm(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
