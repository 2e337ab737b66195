import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { StreamKind } from '@xueliang/contracts';
import { RecordingGap, RecordingSegment } from '@xueliang/db';
import { readClockSei } from '../../apps/camera-sim/src/media/h26x';
import { FFMPEG } from '../support/sim-fleet';
import { until } from '../support/wait';

/**
 * A stand-in recorder for the playback tests, so they do not depend on the real recorder: bare
 * ffmpeg copies a sim camera's RTSP stream into MPEG-TS segments cut on keyframes, and each
 * closed segment is indexed the way the design says the recorder does (wall clock from the
 * stream's clock SEI, final layout, SHA-256 chain per camera, stream and UTC day). What ffmpeg
 * was still writing when it was killed is removed, and the hole to the next run is a gap.
 */

export interface SimSource {
  rtspUrl: string;
  codec: 'h264' | 'h265';
}

interface ClosedSegment {
  file: string;
  /** Media duration in seconds from ffmpeg's segment list. */
  duration: number;
}

export interface IndexedSegment {
  id: string;
  startAt: Date;
  endAt: Date;
  path: string;
}

/** First clock SEI (sim wall clock, ms) of a TS file: ffmpeg hands back its video elementary stream. */
export async function firstClockMs(file: string, codec: 'h264' | 'h265'): Promise<number> {
  const es = await run(FFMPEG, [
    ...['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-frames:v', '1'],
    ...['-f', codec === 'h264' ? 'h264' : 'hevc', 'pipe:1'],
  ]);
  const clock = readClockSei(es);
  if (!clock) throw new Error(`no clock SEI in the first frame of ${file}`);
  return clock.wallClockMs;
}

/** Same, for bytes already in memory (a segment fetched over HTTP). */
export async function firstClockMsOf(bytes: Buffer, codec: 'h264' | 'h265', tmpDir: string): Promise<number> {
  const dir = await mkdtemp(path.join(tmpDir, 'probe-'));
  const file = path.join(dir, 'seg.ts');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, bytes);
  try {
    return await firstClockMs(file, codec);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(new Error(`${cmd} exited ${code}: ${err.slice(0, 500)}`)),
    );
  });
}

/** One ffmpeg run recording a camera into a work directory until stopped. */
export class FfmpegRun {
  private readonly child: ChildProcess;
  private exited: Promise<void>;

  constructor(
    source: SimSource,
    readonly workDir: string,
    segmentSeconds: number,
  ) {
    this.child = spawn(
      FFMPEG,
      [
        ...['-hide_banner', '-v', 'error', '-rtsp_transport', 'tcp', '-i', source.rtspUrl],
        ...['-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_time', String(segmentSeconds)],
        ...['-segment_format', 'mpegts', '-segment_list', path.join(workDir, 'list.csv')],
        ...['-segment_list_type', 'csv', path.join(workDir, '%05d.ts')],
      ],
      { stdio: 'ignore' },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Segments ffmpeg has closed so far (it lists a segment once it is complete). */
  closed(): ClosedSegment[] {
    const list = path.join(this.workDir, 'list.csv');
    if (!existsSync(list)) return [];
    return readFileSync(list, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, start, end] = line.split(',');
        return { file: path.join(this.workDir, name), duration: Number(end) - Number(start) };
      });
  }

  async waitForSegments(n: number): Promise<void> {
    await until(`${n} closed segments in ${this.workDir}`, () => this.closed().length >= n, 60_000);
  }

  /** Killed hard, mid-segment: the open segment is a leftover, as after a crash. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Indexes segments into recording_segments under `root`, chaining hashes per camera × stream × day. */
export class FixtureIndexer {
  private readonly lastHash = new Map<string, string>();

  constructor(
    private readonly db: DataSource,
    private readonly root: string,
    private readonly gatewayId: string,
  ) {}

  /** Indexes every closed segment of a finished run; deletes the rest of its work dir. */
  async indexRun(
    run: FfmpegRun,
    cameraId: string,
    stream: StreamKind,
    codec: 'h264' | 'h265',
  ): Promise<IndexedSegment[]> {
    const out: IndexedSegment[] = [];
    for (const seg of run.closed()) {
      const start = await firstClockMs(seg.file, codec);
      const end = start + Math.round(seg.duration * 1000);
      const day = new Date(start).toISOString().slice(0, 10);
      const rel = path.join(cameraId, stream, day, `${start}.ts`);
      await mkdir(path.dirname(path.join(this.root, rel)), { recursive: true });
      await rename(seg.file, path.join(this.root, rel));
      const bytes = await readFile(path.join(this.root, rel));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const chain = `${cameraId}|${stream}|${day}`;
      const row = await this.db.getRepository(RecordingSegment).save({
        cameraId,
        stream,
        startAt: new Date(start),
        endAt: new Date(end),
        bytes: String(bytes.length),
        sha256,
        prevSha256: this.lastHash.get(chain) ?? null,
        chainDay: day,
        path: rel,
        gatewayId: this.gatewayId,
        codec: codec === 'h264' ? 'h264' : 'hevc',
      });
      this.lastHash.set(chain, sha256);
      out.push({ id: row.id, startAt: row.startAt, endAt: row.endAt, path: rel });
    }
    await rm(run.workDir, { recursive: true, force: true });
    return out;
  }

  async recordGap(
    cameraId: string,
    stream: StreamKind,
    start: Date,
    end: Date,
    reason: string,
  ): Promise<void> {
    await this.db
      .getRepository(RecordingGap)
      .save({ cameraId, stream, startAt: start, endAt: end, reason, detail: null });
  }
}

/** Records `runs` ffmpeg runs of a camera back to back, each of at least `segments` segments, killed hard in between. */
export async function recordRuns(
  indexer: FixtureIndexer,
  workRoot: string,
  source: SimSource,
  cameraId: string,
  opts: { runs: number; segments: number; segmentSeconds: number; stream?: StreamKind },
): Promise<IndexedSegment[][]> {
  const stream = opts.stream ?? 'sub';
  const runs: IndexedSegment[][] = [];
  for (let i = 0; i < opts.runs; i++) {
    if (i > 0) {
      // The recorder is down for a while: a hole of a few seconds after what was indexed (the sim
      // re-sends a cached GOP to a new client, whose clock would otherwise overlap the last segment).
      const lastEnd = runs[i - 1].at(-1)!.endAt.getTime();
      await until('the hole between two runs', () => Date.now() > lastEnd + 3000, 30_000);
    }
    const dir = await mkdtemp(path.join(workRoot, `run-${i}-`));
    const run = new FfmpegRun(source, dir, opts.segmentSeconds);
    await run.waitForSegments(opts.segments);
    await run.kill();
    runs.push(await indexer.indexRun(run, cameraId, stream, source.codec));
    if (i > 0) {
      const before = runs[i - 1].at(-1)!;
      const after = runs[i][0];
      await indexer.recordGap(cameraId, stream, before.endAt, after.startAt, 'ffmpeg_exit');
    }
  }
  return runs;
}
