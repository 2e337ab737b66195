import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { StreamKind } from '@xueliang/contracts';
import { Camera, RecordingSegment, Region, User } from '@xueliang/db';
import { startApi, type TestApi } from '../support/api';
import { FFMPEG, FFPROBE } from '../support/sim-fleet';
import { insertSimCameras, openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';

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

/**
 * The stack the export and chain suites share: a sim fleet, an api and a gateway writing to one
 * temporary recordings/exports tree, the sims registered in 清泉镇 with one camera moved to 位奇镇.
 */
export interface EvidenceStack {
  fleet: CameraFleet;
  api: TestApi;
  gateway: TestGateway;
  db: DataSource;
  cameras: Camera[];
  tmp: string;
  recordingsDir: string;
  /** Records 12 s of sim `i`'s sub stream into the index as this stack's gateway, from `base`. */
  record(i: number, base: Date): Promise<RecordedFixture>;
  close(): Promise<void>;
}

export async function startEvidenceStack(o: {
  /** Names the temp dir (xl-<name>-) and the gateway (gw-<name>). */
  name: string;
  count: number;
  exportWorker: boolean;
  /** Index of the camera that belongs to the other township (位奇镇). */
  otherTownship: number;
}): Promise<EvidenceStack> {
  const gatewayId = `gw-${o.name}`;
  const tmp = await mkdtemp(path.join(os.tmpdir(), `xl-${o.name}-`));
  const recordingsDir = path.join(tmp, 'recordings');
  const dirs = { RECORDINGS_DIR: recordingsDir, EXPORTS_DIR: path.join(tmp, 'exports') };
  const s: Partial<EvidenceStack> = { tmp, recordingsDir };
  const close = async (): Promise<void> => {
    await s.gateway?.close();
    await s.api?.close();
    await s.db?.destroy();
    await s.fleet?.stop();
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const fleet = (s.fleet = await startFleet({ count: o.count, ptzEvery: 0 }));
    const api = (s.api = await startApi({ GATEWAY_BACKGROUND: 'false', ...dirs }));
    s.gateway = await startTestGateway(gatewayId, {
      GATEWAY_BACKGROUND: 'false',
      EXPORT_WORKER: o.exportWorker ? 'true' : 'false',
      ...dirs,
    });
    const db = (s.db = await openDb(api.databaseUrl));
    const cameras = await insertSimCameras(db, fleet, '清泉镇');
    const other = await db.getRepository(Region).findOneByOrFail({ name: '位奇镇' });
    await db
      .getRepository(Camera)
      .update(cameras[o.otherTownship].id, { regionId: other.id, regionPath: other.path });
    const sims = fleet.list();
    const record = (i: number, base: Date): Promise<RecordedFixture> =>
      recordAndIndex(db, {
        cameraId: cameras[i].id,
        rtsp: withCredentials(sims[i].rtsp.sub, sims[i].username, sims[i].password),
        stream: 'sub',
        seconds: 12,
        recordingsDir,
        gatewayId,
        base,
      });
    return { ...(s as EvidenceStack), cameras, record, close };
  } catch (err) {
    await close();
    throw err;
  }
}
