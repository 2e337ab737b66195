/**
 * Evidence export speed (docs/PERFORMANCE.md "Recording" > "Export"): seconds of video exported
 * per second of wall time, for the export pipeline (re-hash every segment against its index hash,
 * ffmpeg concat in copy mode into a faststart MP4, 1 MiB block hashes, Ed25519-signed manifest)
 * side by side with bare ffmpeg concatenating the same segments with the same arguments.
 *
 * Segments are made up front (not timed) by looping a short encoded clip into 4 s MPEG-TS
 * segments, as the recorder writes them: the sim's sub (320×180, 120 kb/s) and main (640×360,
 * 300 kb/s) streams, and a 1080p 4 Mb/s stream for a real camera's main stream. Both sides read
 * the same files from a warm page cache; runs alternate and the median is printed. One JSON object.
 *
 *   npm run bench:export            (BENCH_EXPORT_SECONDS=600, BENCH_EXPORT_RUNS=3)
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExportManifest } from '@xueliang/contracts';
import { digestFile, EXPORT_BLOCK_SIZE, loadEvidenceKey, sha256File, signManifest } from '@xueliang/platform';
import { cutArgs, FfmpegClipCutter } from '../apps/camera-gateway/src/recording/export/clip-cutter';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const SECONDS = Number(process.env.BENCH_EXPORT_SECONDS ?? 600);
const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 3);
const SEGMENT_SECONDS = 4;

interface Profile {
  name: string;
  size: string;
  kbps: number;
}

const PROFILES: Profile[] = [
  { name: 'sub 320x180 120 kb/s (sim)', size: '320x180', kbps: 120 },
  { name: 'main 640x360 300 kb/s (sim)', size: '640x360', kbps: 300 },
  { name: 'main 1920x1080 4 Mb/s', size: '1920x1080', kbps: 4000 },
];

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${err}`))));
  });
}

/** A 10 s clip with a 1 s GOP, looped in copy mode into SECONDS of 4 s TS segments. */
async function makeSegments(dir: string, p: Profile): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const clip = path.join(dir, 'clip.ts');
  await run([
    ...[
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${p.size}:rate=15:duration=10`,
    ],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '15',
      '-keyint_min',
      '15',
      '-sc_threshold',
      '0',
      '-bf',
      '0',
    ],
    ...['-b:v', `${p.kbps}k`, '-maxrate', `${p.kbps}k`, '-bufsize', `${p.kbps}k`, '-f', 'mpegts', clip],
  ]);
  const segDir = path.join(dir, 'segments');
  await mkdir(segDir, { recursive: true });
  await run([
    ...['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', clip, '-t', String(SECONDS)],
    ...['-c', 'copy', '-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'mpegts'],
    path.join(segDir, '%06d.ts'),
  ]);
  return (await readdir(segDir)).sort().map((f) => path.join(segDir, f));
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'xl-export-bench-'));
  const key = loadEvidenceKey(
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  );
  const cutter = new FfmpegClipCutter({ FFMPEG_PATH: FFMPEG });
  const results = [];
  try {
    for (const [i, p] of PROFILES.entries()) {
      const dir = path.join(root, String(i));
      const segments = await makeSegments(dir, p);
      let segmentBytes = 0;
      for (const s of segments) segmentBytes += (await stat(s)).size;
      // Trim like a real export: start 2 s into the first segment, end 2 s before the last ends.
      const offsetSeconds = 2;
      const durationSeconds = SECONDS - 4;
      const bare: number[] = [];
      const platform: number[] = [];
      const hashing: number[] = [];
      let outBytes = 0;
      for (let r = 0; r < RUNS; r += 1) {
        const bareOut = path.join(dir, `bare-${r}.mp4`);
        const list = path.join(dir, `bare-${r}.txt`);
        bare.push(
          await timed(async () => {
            const { writeFile } = await import('node:fs/promises');
            await writeFile(list, segments.map((s) => `file '${s}'`).join('\n') + '\n');
            const args = cutArgs({
              segments,
              offsetSeconds,
              durationSeconds,
              listFile: list,
              output: bareOut,
              codec: 'h264',
            });
            // Bare ffmpeg: the same cut without the progress pipe.
            await run(
              args.filter((a, j) => !(a === '-progress' || args[j - 1] === '-progress' || a === '-nostats')),
            );
          }),
        );
        await rm(bareOut, { force: true });
        const out = path.join(dir, `export-${r}.mp4`);
        let hashS = 0;
        platform.push(
          await timed(async () => {
            hashS = await timed(async () => {
              for (const s of segments) await sha256File(s);
            });
            await cutter.cut({
              segments,
              offsetSeconds,
              durationSeconds,
              listFile: path.join(dir, `x-${r}.txt`),
              output: out,
              codec: 'h264',
            });
            const digest = await digestFile(out, EXPORT_BLOCK_SIZE);
            outBytes = digest.bytes;
            const manifest: ExportManifest = {
              version: 1,
              platform: { name: 'bench', keyId: key.keyId },
              exportId: 'bench',
              exportedBy: { id: 'bench', name: 'bench' },
              exportedAt: new Date().toISOString(),
              reason: 'bench',
              alertId: null,
              files: [
                {
                  name: 'export.mp4',
                  cameraId: 'bench',
                  cameraName: 'bench',
                  stream: 'main',
                  from: '',
                  to: '',
                  bytes: digest.bytes,
                  sha256: digest.sha256,
                  blockSize: EXPORT_BLOCK_SIZE,
                  blockSha256: digest.blockSha256,
                  segments: segments.map((s) => ({ start: '', end: '', sha256: s })),
                },
              ],
            };
            signManifest(manifest, key);
          }),
        );
        hashing.push(hashS);
        await rm(out, { force: true });
      }
      const videoSeconds = durationSeconds;
      results.push({
        profile: p.name,
        videoSeconds,
        segments: segments.length,
        segmentMB: round(segmentBytes / 1e6, 1),
        outputMB: round(outBytes / 1e6, 1),
        bareFfmpeg: {
          wallS: round(median(bare)),
          videoSecondsPerSecond: round(videoSeconds / median(bare), 0),
        },
        export: {
          wallS: round(median(platform)),
          videoSecondsPerSecond: round(videoSeconds / median(platform), 0),
          segmentRehashS: round(median(hashing)),
        },
        exportOverBare: round(median(platform) / median(bare)),
      });
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  process.stdout.write(
    `${JSON.stringify({ bench: 'export', runs: RUNS, cores: os.cpus().length, node: process.version, results }, null, 2)}\n`,
  );
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
