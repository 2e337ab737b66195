/**
 * Recording benchmark (docs/PERFORMANCE.md, "Recording"). Self-contained: its own database on the
 * local PostgreSQL (TEST_PG_ADMIN_URL), its own Redis prefix and recordings directory, a simulated
 * fleet and one gateway in this process; prints one JSON object.
 *
 * For each size N (BENCH_SIZES, default "50,200") sub streams, in the same run and side by side:
 *   - ours: the gateway's recorder recording N cameras (continuous, sub): its ffmpeg processes
 *     plus what the recorder adds to this Node process (list polling, hashing, index inserts),
 *     measured as this process's CPU over the window minus its CPU over a baseline window with
 *     only the simulator running;
 *   - bare: N plain ffmpeg doing the same copy into the same segment muxer, nothing else.
 * CPU is utime+stime from /proc over BENCH_CPU_WINDOW_MS; memory is the summed RSS; disk write
 * rate is bytes written over the window. Then one phase for the live+recording decision:
 * BENCH_COMBINED cameras with live HLS and recording as one ffmpeg with two outputs, against two
 * ffmpeg processes per camera.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CameraFleet } from '../apps/camera-sim/src/fleet';
import {
  Camera,
  CredentialCipher,
  dataSourceOptions,
  migrateDatabase,
  Region,
  seedDemoCounty,
} from '@xueliang/db';
import { buildRecordCommand } from '../apps/camera-gateway/src/recording/recorder/record-args';
import { Recorder } from '../apps/camera-gateway/src/recording/recorder/recorder.service';
import { argvOf, buildHlsCommand, withCredentials } from '../apps/camera-gateway/src/streams/ffmpeg-args';
import { createBenchDatabase } from './support';

const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const SIZES = (process.env.BENCH_SIZES ?? '50,200').split(',').map(Number);
const CPU_WINDOW_MS = Number(process.env.BENCH_CPU_WINDOW_MS ?? 20_000);
const COMBINED = Number(process.env.BENCH_COMBINED ?? 20);
const SEGMENT_SECONDS = 4;
const CREDENTIAL_KEY = 'c3'.repeat(32);
const CLK_TCK = 100;
const PAGE = 4096;

const round = (n: number, d = 3): number => Number(n.toFixed(d));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function procStat(pid: number): { ticks: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE };
  } catch {
    return undefined;
  }
}

/** Children of this process whose command line contains `marker` (the recorder's ffmpeg). */
function ffmpegPids(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('ffmpeg') && cmd.includes(marker)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

function dirBytes(dir: string): number {
  let n = 0;
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(p);
      else n += s.size;
    }
  };
  walk(dir);
  return n;
}

interface Usage {
  cores: number;
  rssMB: number;
}

/** CPU (cores) of a set of pids over the window, and their RSS at the end. */
async function measure(
  pids: () => number[],
  windowMs: number,
  self = false,
): Promise<Usage & { selfCores: number }> {
  const before = new Map(pids().map((p) => [p, procStat(p)?.ticks ?? 0]));
  const selfBefore = procStat(process.pid)?.ticks ?? 0;
  await sleep(windowMs);
  let ticks = 0;
  let rss = 0;
  for (const [pid, t0] of before) {
    const s = procStat(pid);
    if (!s) continue;
    ticks += s.ticks - t0;
    rss += s.rssBytes;
  }
  const selfTicks = (procStat(process.pid)?.ticks ?? 0) - selfBefore;
  const seconds = windowMs / 1000;
  return {
    cores: round(ticks / CLK_TCK / seconds),
    rssMB: round(rss / 1e6, 1),
    selfCores: self ? round(selfTicks / CLK_TCK / seconds) : 0,
  };
}

function startFfmpeg(args: string[]): ChildProcess {
  return spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-nostats', ...args], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  const maxN = Math.max(...SIZES, COMBINED);
  const dbName = `xl_bench_rec_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const { admin, databaseUrl } = await createBenchDatabase(PG_ADMIN, dbName);
  const work = path.join(os.tmpdir(), `xl-bench-rec-${randomBytes(3).toString('hex')}`);
  const recordings = path.join(work, 'recordings');
  const bare = path.join(work, 'bare');
  mkdirSync(bare, { recursive: true });
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: `xlbench-${randomBytes(3).toString('hex')}`,
    JWT_SECRET: 'bench-secret-long-enough-1234',
    CREDENTIAL_KEY,
    LOG_LEVEL: 'warn',
    FFMPEG_PATH: FFMPEG,
    GATEWAY_ID: 'gw-bench-rec',
    LEASE_TTL_MS: '3000',
    HEALTH_INTERVAL_MS: '600000',
    // The sim shares this process's event loop with hundreds of RTSP sessions: answers are slow.
    ONVIF_TIMEOUT_MS: '30000',
    RECORDING_DEFAULT_MODE: 'off',
    RECORDING_SEGMENT_SECONDS: String(SEGMENT_SECONDS),
    RECORDING_POLICY_POLL_MS: '1000',
    RECORDINGS_DIR: recordings,
    HLS_DIR: path.join(work, 'hls'),
  });

  let fleet: CameraFleet | undefined;
  let gateway: INestApplication | undefined;
  let ds: DataSource | undefined;
  const children: ChildProcess[] = [];
  const report: Record<string, unknown> = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      loadavg: os.loadavg().map((l) => round(l, 2)),
    },
    ffmpeg: FFMPEG,
    segmentSeconds: SEGMENT_SECONDS,
    cpuWindowMs: CPU_WINDOW_MS,
    sizes: [] as unknown[],
  };
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoCounty({ databaseUrl, credentialKey: CREDENTIAL_KEY });
    fleet = await CameraFleet.start({
      count: maxN,
      ptzEvery: 0,
      discovery: false,
      cacheDir: path.resolve('var/sim-cache'),
      ffmpegPath: FFMPEG,
    });
    ds = await new DataSource(dataSourceOptions({ url: databaseUrl, poolSize: 2 })).initialize();
    // The demo seed's own cameras point at a sim that is not running here: only ours are recorded.
    await ds.query('DELETE FROM cameras');
    const region = await ds.getRepository(Region).findOneByOrFail({ name: '清泉镇' });
    const cipher = new CredentialCipher(CREDENTIAL_KEY);
    const sims = fleet.list();
    const cams = await ds.getRepository(Camera).save(
      sims.map((c) =>
        ds!.getRepository(Camera).create({
          name: c.name,
          regionId: region.id,
          regionPath: region.path,
          lon: c.location.lon,
          lat: c.location.lat,
          onvifAddress: c.xaddr,
          username: c.username,
          passwordEncrypted: cipher.encrypt(c.password),
          rtspUri: c.rtsp.main,
          subRtspUri: c.rtsp.sub,
          snapshotUri: c.snapshot,
          videoCodec: c.codec,
          mainProfileToken: 'Profile_1',
          status: 'online',
        }),
      ),
    );
    const { createGatewayApp, startGateway } = await import('../apps/camera-gateway/src/bootstrap');
    gateway = await createGatewayApp();
    await startGateway(gateway, 0, '127.0.0.1');
    const subUrl = (i: number): string =>
      withCredentials(sims[i].rtsp.sub, sims[i].username, sims[i].password);

    for (const n of SIZES) {
      const chosen = cams.slice(0, n);
      // Sim only: this process's CPU without any recording, to subtract.
      const baseline = await measure(() => [], CPU_WINDOW_MS / 2, true);
      // Bare ffmpeg, the same copy into the same muxer.
      const bareDir = path.join(bare, String(n));
      for (let i = 0; i < n; i++) {
        const dir = path.join(bareDir, String(i));
        mkdirSync(dir, { recursive: true });
        const cmd = buildRecordCommand({
          inputUrl: subUrl(i),
          runDir: dir,
          segmentSeconds: SEGMENT_SECONDS,
          rtspTimeoutMs: 30_000,
        });
        children.push(startFfmpeg(argvOf(cmd)));
      }
      // Ours: policies for the chosen cameras, published like the api does (the poll picks them up).
      await ds.query(
        `INSERT INTO recording_policies (camera_id, mode, stream, pre_event_seconds, post_event_seconds, retention_days)
         SELECT unnest($1::uuid[]), 'continuous', 'sub', 10, 30, 30
         ON CONFLICT (camera_id) DO UPDATE SET mode = 'continuous'`,
        [chosen.map((c) => c.id)],
      );
      // Warm up: every chosen camera recording (its first segment indexed).
      const recorder = gateway.get(Recorder);
      const deadline = Date.now() + 180_000;
      while (recorder.recordingCount() < n && Date.now() < deadline) await sleep(500);
      const warmS = round((Date.now() - deadline + 180_000) / 1000, 1);
      await sleep(SEGMENT_SECONDS * 1000);
      const reasons: Record<string, number> = {};
      for (const st of recorder.states()) {
        const k = st.recording ? 'recording' : (st.reason ?? st.mode);
        reasons[k] = (reasons[k] ?? 0) + 1;
      }
      const oursBytes0 = dirBytes(recordings);
      const bareBytes0 = dirBytes(bareDir);
      const segs0 = Number(
        (await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM recording_segments'))[0].n,
      );
      const [ours, bareUse] = await Promise.all([
        measure(() => ffmpegPids(path.join(recordings, '.work')), CPU_WINDOW_MS, true),
        measure(() => ffmpegPids(bareDir), CPU_WINDOW_MS),
      ]);
      const oursBytes = dirBytes(recordings) - oursBytes0;
      const bareBytes = dirBytes(bareDir) - bareBytes0;
      const segs =
        Number((await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM recording_segments'))[0].n) -
        segs0;
      const recorderCores = round(Math.max(0, ours.selfCores - baseline.selfCores));
      const oursTotal = round(ours.cores + recorderCores);
      const seconds = CPU_WINDOW_MS / 1000;
      (report.sizes as unknown[]).push({
        streams: n,
        ours: {
          ffmpegCores: ours.cores,
          recorderNodeCores: recorderCores,
          totalCores: oursTotal,
          ffmpegRssMB: ours.rssMB,
          writeMBps: round(oursBytes / 1e6 / seconds),
          segmentsIndexedPerS: round(segs / seconds, 2),
        },
        bare: { cores: bareUse.cores, rssMB: bareUse.rssMB, writeMBps: round(bareBytes / 1e6 / seconds) },
        recorderStates: reasons,
        warmUpSeconds: warmS,
        ratio: bareUse.cores > 0 ? round(oursTotal / bareUse.cores, 2) : null,
        perStreamKbps: round((oursBytes * 8) / 1000 / seconds / n, 1),
      });
      // Stop both before the next size.
      await ds.query(`UPDATE recording_policies SET mode = 'off'`);
      for (const c of children.splice(0)) c.kill('SIGTERM');
      const stopBy = Date.now() + 60_000;
      while (ffmpegPids(work).length && Date.now() < stopBy) await sleep(500);
      rmSync(bareDir, { recursive: true, force: true });
    }

    // Live + recording: one ffmpeg with two outputs against two ffmpeg per camera.
    const m = Math.min(COMBINED, maxN);
    const combinedDir = path.join(work, 'combined');
    const separateDir = path.join(work, 'separate');
    const result: Record<string, Usage> = {};
    for (const mode of ['one-process', 'two-processes'] as const) {
      for (let i = 0; i < m; i++) {
        const base = path.join(mode === 'one-process' ? combinedDir : separateDir, String(i));
        const recDir = path.join(base, 'rec');
        const hlsDir = path.join(base, 'hls');
        mkdirSync(recDir, { recursive: true });
        mkdirSync(hlsDir, { recursive: true });
        const rec = buildRecordCommand({
          inputUrl: subUrl(i),
          runDir: recDir,
          segmentSeconds: SEGMENT_SECONDS,
        });
        const hls = buildHlsCommand({
          inputUrl: subUrl(i),
          sourceCodec: 'h264',
          outDir: hlsDir,
          segmentSeconds: 1,
          listSize: 6,
        });
        if (mode === 'one-process') {
          children.push(
            startFfmpeg([
              ...rec.inputOptions,
              '-i',
              rec.input,
              ...hls.outputOptions,
              '-y',
              hls.output,
              ...rec.outputOptions,
              '-y',
              rec.output,
            ]),
          );
        } else {
          children.push(
            startFfmpeg([...rec.inputOptions, '-i', rec.input, ...rec.outputOptions, '-y', rec.output]),
          );
          children.push(
            startFfmpeg([...hls.inputOptions, '-i', hls.input, ...hls.outputOptions, '-y', hls.output]),
          );
        }
      }
      await sleep(SEGMENT_SECONDS * 1500);
      const dir = mode === 'one-process' ? combinedDir : separateDir;
      const use = await measure(() => ffmpegPids(dir), CPU_WINDOW_MS);
      result[mode] = { cores: use.cores, rssMB: use.rssMB };
      for (const c of children.splice(0)) c.kill('SIGTERM');
      const stopBy = Date.now() + 30_000;
      while (ffmpegPids(dir).length && Date.now() < stopBy) await sleep(300);
    }
    report.liveAndRecording = { cameras: m, ...result };
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await gateway?.close().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    await fleet?.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  console.log(JSON.stringify(report, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
