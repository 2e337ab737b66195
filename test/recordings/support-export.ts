import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { StreamKind } from '@xueliang/contracts';
import { RecordingSegment, User } from '@xueliang/db';
import { FFMPEG, FFPROBE } from '../support/sim-fleet';

/**
 * A stand-alone recording fixture for the export and chain suites: bare ffmpeg copies a sim
 * camera's RTSP stream into MPEG-TS segments cut on keyframes, and each closed segment is moved
 * to the shared layout (<root>/<camera>/<stream>/<UTC day>/<startMs>.ts), hashed and indexed with
 * a correct hash chain, as docs/RECORDING.md describes the recorder doing. Wall-clock times are
 * `base` plus the segment's stream time, so ranges in the tests are exact and deterministic.
 */
export interface RecordedFixture {
  cameraId: string;
  stream: StreamKind;
  segments: RecordingSegment[];
  /** Start of the first and end of the last indexed segment. */
  from: Date;
  to: Date;
}

export interface RecordOptions {
  cameraId: string;
  /** RTSP URL with credentials. */
  rtsp: string;
  stream: StreamKind;
  seconds: number;
  recordingsDir: string;
  gatewayId: string;
  /** Wall clock of the recording's first frame. */
  base: Date;
  segmentSeconds?: number;
}

export function withCredentials(rtsp: string, username: string, password: string): string {
  const url = new URL(rtsp);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString();
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}

/** Records `seconds` of a camera into segments and indexes them; returns the rows in order. */
export async function recordAndIndex(db: DataSource, o: RecordOptions): Promise<RecordedFixture> {
  const work = path.join(o.recordingsDir, '.fixture', `${o.cameraId}-${o.stream}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const list = path.join(work, 'list.csv');
  await run(FFMPEG, [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-rtsp_transport', 'tcp', '-i', o.rtsp, '-t', String(o.seconds)],
    ...['-map', '0:v:0', '-c', 'copy', '-f', 'segment', '-segment_format', 'mpegts'],
    ...['-segment_time', String(o.segmentSeconds ?? 2), '-reset_timestamps', '0'],
    ...['-segment_list', list, '-segment_list_type', 'csv'],
    path.join(work, '%05d.ts'),
  ]);
  const rows = (await readFile(list, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => {
      const [file, start, end] = line.split(',');
      return { file, start: Number(start), end: Number(end) };
    });
  const t0 = rows[0].start;
  const repo = db.getRepository(RecordingSegment);
  const segments: RecordingSegment[] = [];
  let prev: string | null = null;
  for (const r of rows) {
    const startAt = new Date(o.base.getTime() + Math.round((r.start - t0) * 1000));
    const endAt = new Date(o.base.getTime() + Math.round((r.end - t0) * 1000));
    if (endAt.getTime() - startAt.getTime() < 100) continue;
    const day = startAt.toISOString().slice(0, 10);
    const rel = path.join(o.cameraId, o.stream, day, `${startAt.getTime()}.ts`);
    const full = path.join(o.recordingsDir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await rename(path.join(work, r.file), full);
    const data = await readFile(full);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const row = await repo.save(
      repo.create({
        cameraId: o.cameraId,
        stream: o.stream,
        startAt,
        endAt,
        bytes: String(data.length),
        sha256,
        prevSha256: prev,
        chainDay: day,
        path: rel,
        gatewayId: o.gatewayId,
        codec: 'h264',
      }),
    );
    prev = sha256;
    segments.push(row);
  }
  await rm(work, { recursive: true, force: true });
  return {
    cameraId: o.cameraId,
    stream: o.stream,
    segments,
    from: segments[0].startAt,
    to: segments[segments.length - 1].endAt,
  };
}

/** Duration (s) of a media file and the order of its top-level MP4 boxes. */
export async function probeMp4(file: string): Promise<{ duration: number; codec: string; boxes: string[] }> {
  const out = await run(FFPROBE, [
    ...['-v', 'error', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file],
  ]);
  const j = JSON.parse(out) as { streams: { codec_name: string }[]; format: { duration: string } };
  const data = await readFile(file);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= data.length;) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8));
    else if (size === 0) size = data.length - at;
    boxes.push(type);
    if (size < 8) break;
    at += size;
  }
  return { duration: Number(j.format.duration), codec: j.streams[0].codec_name, boxes };
}

/** A user like `like` (same password and region) with other roles: township supervisors etc. */
export async function cloneUser(
  db: DataSource,
  like: string,
  username: string,
  roles: User['roles'],
): Promise<void> {
  const repo = db.getRepository(User);
  const base = await repo.findOneByOrFail({ username: like });
  await repo.save(
    repo.create({
      username,
      displayName: username,
      passwordHash: base.passwordHash,
      roles,
      regionId: base.regionId,
      phone: null,
    }),
  );
}

/** Every file under a directory, for the tests' "nothing left behind" checks. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
