/**
 * Camera simulator cost benchmark (apps/camera-sim/README.md, docs/PERFORMANCE.md "Camera
 * simulator"). Runs the fleet in this process, so process CPU is the sim's; prints one JSON object.
 *
 *   1. idle: 200 cameras (every 5th a PTZ dome), HTTP servers and discovery up, no viewer
 *   2. streaming: 50 RTSP clients (ffmpeg -c copy -f null) on 50 cameras' main streams, OSD on
 *   3. streaming while the 10 domes among them pan continuously: their OSD changes every frame
 *   4. the OSD band itself: µs per frame for a quiet second, a clock tick, a keyframe
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROFILES } from '../apps/camera-sim/src/camera';
import { CameraFleet } from '../apps/camera-sim/src/fleet';
import { ClipStore } from '../apps/camera-sim/src/media/clips';
import { OsdPainter } from '../apps/camera-sim/src/media/osd';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const CAMERAS = Number(process.env.BENCH_SIM_CAMERAS ?? 200);
const CLIENTS = Number(process.env.BENCH_SIM_CLIENTS ?? 50);
const WINDOW_MS = Number(process.env.BENCH_SIM_WINDOW_MS ?? 20_000);
const WARMUP_MS = 5_000;
const CACHE = path.resolve('var/sim-cache');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU used by this process (the sim) over a window, as a share of one core, and its RSS. */
async function measure(
  ms: number,
): Promise<{ simCores: number; rssMb: number; heapMb: number; clientCores?: number }> {
  const before = process.cpuUsage();
  await sleep(ms);
  const d = process.cpuUsage(before);
  return {
    simCores: round((d.user + d.system) / 1000 / ms),
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
    heapMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

function childTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // a client that exited contributes nothing
    }
  }
  return ticks;
}

const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

function microbench(fn: () => void, n: number): number {
  fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return round(Number(process.hrtime.bigint() - t0) / 1000 / n, 1);
}

async function osdCost(): Promise<Record<string, number>> {
  const store = new ClipStore({ ffmpegPath: FFMPEG, cacheDir: CACHE, concurrency: 1, log: () => undefined });
  try {
    const { clip, osd } = await store.clip('BENCH-OSD', 'h264', PROFILES.main);
    let second = 0;
    let text = '2026-11-23 16:52:10 P+0.00 T+0.00 Z0.00';
    const painter = new OsdPainter(osd!, () => text);
    const key = clip.frames.findIndex((f) => f.key);
    const bytes = (i: number): number => painter.slice(i).length;
    painter.slice(key);
    const quietBytes = bytes(key + 1);
    text = '2026-11-23 16:52:11 P+0.00 T+0.00 Z0.00';
    const tickBytes = bytes(key + 2);
    return {
      quiet_frame_us: microbench(() => painter.slice(key + 1), 2000),
      clock_tick_us: microbench(() => {
        text = `2026-11-23 16:52:${10 + (second++ % 50)} P+0.00 T+0.00 Z0.00`;
        painter.slice(key + 1);
      }, 2000),
      keyframe_us: microbench(() => painter.slice(key), 500),
      quiet_frame_bytes: quietBytes,
      clock_tick_bytes: tickBytes,
      keyframe_bytes: bytes(key),
    };
  } finally {
    store.stop();
  }
}

async function main(): Promise<void> {
  const fleet = await CameraFleet.start({
    count: CAMERAS,
    ptzEvery: 5,
    discoveryPort: 0,
    multicast: false,
    cacheDir: CACHE,
    ffmpegPath: FFMPEG,
  });
  const clients: ChildProcess[] = [];
  try {
    const streamed = fleet.cameras.slice(0, CLIENTS);
    const url = (id: string): string =>
      fleet.camera(id)!.rtspUrl('main').replace('rtsp://', 'rtsp://admin:sim12345@');
    await sleep(2000);
    const idle = await measure(WINDOW_MS);

    for (const cam of streamed) {
      const c = spawn(
        FFMPEG,
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-i',
          url(cam.id),
          '-c',
          'copy',
          '-f',
          'null',
          '-',
        ],
        { stdio: 'ignore' },
      );
      clients.push(c);
    }
    // First runs encode the clips here (cached in var/sim-cache afterwards): wait for every stream.
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const clocks = await Promise.all(streamed.map((c) => fleet.streamClock(c.id)));
      if (clocks.every((k) => (k?.framesSent ?? 0) > 0)) break;
      await sleep(500);
    }
    await sleep(WARMUP_MS);
    const pids = clients.map((c) => c.pid!).filter(Boolean);
    const ticks0 = childTicks(pids);
    const streaming = await measure(WINDOW_MS);
    streaming.clientCores = round((childTicks(pids) - ticks0) / 100 / (WINDOW_MS / 1000));

    const domes = streamed.filter((c) => c.ptz);
    for (const d of domes) d.ptz!.continuousMove({ x: 0.05, y: -0.03, zoom: 0.02 }, WINDOW_MS + 10_000);
    const moving = await measure(WINDOW_MS);
    for (const d of domes) d.ptz!.stop();

    const frames = await Promise.all(streamed.map((c) => fleet.streamClock(c.id)));
    console.log(
      JSON.stringify(
        {
          bench: 'camera-sim',
          machine: { cpus: os.cpus().length, load: os.loadavg().map((l) => round(l, 2)) },
          cameras: CAMERAS,
          window_ms: WINDOW_MS,
          idle,
          streaming: { clients: CLIENTS, main_stream: '640x360 15 fps', ...streaming },
          streaming_domes_moving: { domes: domes.length, ...moving },
          frames_sent_min: Math.min(...frames.map((k) => k?.framesSent ?? 0)),
          osd_band: await osdCost(),
        },
        null,
        2,
      ),
    );
  } finally {
    for (const c of clients) c.kill('SIGKILL');
    await fleet.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
