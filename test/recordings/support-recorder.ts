import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { readClockSei } from '../../apps/camera-sim/src/media/h26x';
import { videoPes } from '../../apps/camera-gateway/src/recording/recorder/ts-reader';

export interface SegmentRow {
  id: string;
  cameraId: string;
  stream: string;
  startAt: Date;
  endAt: Date;
  bytes: string;
  sha256: string;
  prevSha256: string | null;
  chainDay: string;
  path: string;
  gatewayId: string;
}

export interface GapRow {
  cameraId: string;
  startAt: Date;
  endAt: Date;
  reason: string;
  detail: string | null;
}

export async function segmentsOf(db: DataSource, cameraId?: string): Promise<SegmentRow[]> {
  return db.query<SegmentRow[]>(
    `SELECT id, camera_id AS "cameraId", stream, start_at AS "startAt", end_at AS "endAt", bytes, sha256,
            prev_sha256 AS "prevSha256", to_char(chain_day, 'YYYY-MM-DD') AS "chainDay", path, gateway_id AS "gatewayId"
       FROM recording_segments WHERE ($1::uuid IS NULL OR camera_id = $1) ORDER BY camera_id, stream, start_at, id`,
    [cameraId ?? null],
  );
}

export async function gapsOf(db: DataSource, cameraId?: string): Promise<GapRow[]> {
  return db.query<GapRow[]>(
    `SELECT camera_id AS "cameraId", start_at AS "startAt", end_at AS "endAt", reason, detail
       FROM recording_gaps WHERE ($1::uuid IS NULL OR camera_id = $1) ORDER BY start_at`,
    [cameraId ?? null],
  );
}

/**
 * Every index row points at a complete file with its size and hash, and each chain (camera ×
 * stream × day) links each segment to the one before it. Returns the problems found.
 */
export async function indexProblems(db: DataSource, root: string): Promise<string[]> {
  const problems: string[] = [];
  const rows = await segmentsOf(db);
  const lastOfChain = new Map<string, string>();
  for (const r of rows) {
    const file = join(root, r.path);
    const size = await stat(file).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) {
      problems.push(`${r.path}: missing`);
      continue;
    }
    if (String(size) !== String(r.bytes))
      problems.push(`${r.path}: ${size} bytes on disk, ${r.bytes} indexed`);
    const sha = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    if (sha !== r.sha256) problems.push(`${r.path}: hash differs`);
    if (size % 188 !== 0) problems.push(`${r.path}: not whole TS packets`);
    const chain = `${r.cameraId}/${r.stream}/${r.chainDay}`;
    const prev = lastOfChain.get(chain) ?? null;
    if (r.prevSha256 !== prev) problems.push(`${r.path}: chain broken`);
    lastOfChain.set(chain, r.sha256);
  }
  return problems;
}

/** The simulator's clock SEI of the first keyframe in a recorded segment (wall-clock ms). */
export async function firstFrameClock(root: string, path: string): Promise<number | undefined> {
  const ts = await readFile(join(root, path));
  for (const pes of videoPes(ts)) {
    const sei = readClockSei(pes.data);
    if (sei) return sei.wallClockMs;
  }
  return undefined;
}

/** Holes between consecutive segments of each camera longer than `toleranceMs`. */
export function holes(rows: SegmentRow[], toleranceMs: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.cameraId !== b.cameraId || a.stream !== b.stream) continue;
    const hole = new Date(b.startAt).getTime() - new Date(a.endAt).getTime();
    if (Math.abs(hole) > toleranceMs)
      out.push(`${b.cameraId} ${new Date(a.endAt).toISOString()}: ${hole} ms`);
  }
  return out;
}

/** Holes not explained by a recorded gap: what "coverage has no gaps" means for the index. */
export function unexplainedHoles(rows: SegmentRow[], gaps: GapRow[], toleranceMs: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.cameraId !== b.cameraId || a.stream !== b.stream) continue;
    const from = new Date(a.endAt).getTime();
    const to = new Date(b.startAt).getTime();
    if (to - from <= toleranceMs) continue;
    const covered = gaps.some(
      (g) =>
        g.cameraId === a.cameraId &&
        new Date(g.startAt).getTime() <= from + toleranceMs &&
        new Date(g.endAt).getTime() >= to - toleranceMs,
    );
    if (!covered) out.push(`${b.cameraId} ${new Date(from).toISOString()}: ${to - from} ms`);
  }
  return out;
}
