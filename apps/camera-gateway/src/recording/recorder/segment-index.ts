import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { DataSource } from 'typeorm';
import type { StreamKind } from '@xueliang/contracts';

export interface ClosedSegment {
  cameraId: string;
  stream: StreamKind;
  /** The closed file in its run directory (in-progress name). */
  workFile: string;
  startMs: number;
  endMs: number;
  codec: string | null;
}

export interface IndexedSegment {
  path: string;
  bytes: number;
  sha256: string;
  startMs: number;
  endMs: number;
}

/** A journal beside a segment being indexed: a crash between rename and insert is finished on recovery. */
export interface IndexJournal {
  final: string;
  cameraId: string;
  stream: StreamKind;
  startMs: number;
  endMs: number;
  codec: string | null;
}

export const JOURNAL_SUFFIX = '.index.json';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** UTC calendar day of an instant, the hash chain's day. */
export function chainDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `<cameraId>/<stream>/<YYYY-MM-DD UTC>/<startEpochMs>.ts`, relative to RECORDINGS_DIR. */
export function finalPath(cameraId: string, stream: StreamKind, startMs: number): string {
  return [cameraId, stream, chainDay(startMs), `${startMs}.ts`].join('/');
}

/**
 * The segment index (recording_segments, recording_gaps): a segment is renamed to its final
 * name, hashed and inserted, chained to the previous segment of the same camera, stream and
 * UTC day. Each insert holds a transaction-scoped advisory lock on the chain, so two gateways
 * passing a camera between them cannot fork it; callers also serialise per camera.
 */
export class SegmentIndex {
  constructor(
    private readonly db: DataSource,
    private readonly root: string,
    private readonly gatewayId: string,
  ) {}

  /** Moves a closed segment to its final place and indexes it. */
  async add(seg: ClosedSegment): Promise<IndexedSegment> {
    let startMs = seg.startMs;
    // Two segments never share a name: a later one starting in the same millisecond moves by 1 ms.
    while (await exists(join(this.root, finalPath(seg.cameraId, seg.stream, startMs)))) startMs++;
    const journal: IndexJournal = {
      final: finalPath(seg.cameraId, seg.stream, startMs),
      cameraId: seg.cameraId,
      stream: seg.stream,
      startMs,
      endMs: Math.max(startMs, seg.endMs),
      codec: seg.codec,
    };
    const journalFile = seg.workFile + JOURNAL_SUFFIX;
    await writeFile(journalFile, JSON.stringify(journal));
    const target = join(this.root, journal.final);
    await mkdir(dirname(target), { recursive: true });
    await rename(seg.workFile, target);
    const indexed = await this.insert(journal);
    await rm(journalFile, { force: true });
    return indexed;
  }

  /** Finishes a journal left by a crash: indexes the final file if it is there and not yet indexed. */
  async finishJournal(journal: IndexJournal, workFile: string): Promise<IndexedSegment | undefined> {
    const target = join(this.root, journal.final);
    if (!(await exists(target))) {
      if (!(await exists(workFile))) return undefined;
      await mkdir(dirname(target), { recursive: true });
      await rename(workFile, target);
    }
    return this.insert(journal);
  }

  private async insert(j: IndexJournal): Promise<IndexedSegment> {
    const file = join(this.root, j.final);
    if (relative(this.root, file).startsWith(`..${sep}`))
      throw new Error('segment path outside RECORDINGS_DIR');
    const [bytes, sha256] = await Promise.all([stat(file).then((s) => s.size), sha256File(file)]);
    const day = chainDay(j.startMs);
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `recording-chain:${j.cameraId}:${j.stream}:${day}`,
      ]);
      const [prev] = await tx.query<{ sha256: string }[]>(
        `SELECT sha256 FROM recording_segments
          WHERE camera_id = $1 AND stream = $2 AND chain_day = $3
          ORDER BY start_at DESC, id DESC LIMIT 1`,
        [j.cameraId, j.stream, day],
      );
      await tx.query(
        `INSERT INTO recording_segments
           (camera_id, stream, start_at, end_at, bytes, sha256, prev_sha256, chain_day, path, gateway_id, codec)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (path) DO NOTHING`,
        [
          j.cameraId,
          j.stream,
          new Date(j.startMs),
          new Date(j.endMs),
          bytes,
          sha256,
          prev?.sha256 ?? null,
          day,
          j.final,
          this.gatewayId,
          j.codec,
        ],
      );
    });
    return { path: j.final, bytes, sha256, startMs: j.startMs, endMs: j.endMs };
  }

  async addGap(
    cameraId: string,
    stream: StreamKind,
    startMs: number,
    endMs: number,
    reason: string,
    detail: string | null,
  ): Promise<void> {
    if (endMs <= startMs) return;
    await this.db.query(
      `INSERT INTO recording_gaps (camera_id, stream, start_at, end_at, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        cameraId,
        stream,
        new Date(startMs),
        new Date(endMs),
        reason.slice(0, 64),
        detail?.slice(0, 2000) ?? null,
      ],
    );
  }

  /** End of the newest indexed segment of a camera's stream, if any. */
  async lastEnd(cameraId: string, stream: StreamKind): Promise<number | undefined> {
    const [row] = await this.db.query<{ end_at: Date }[]>(
      `SELECT end_at FROM recording_segments WHERE camera_id = $1 AND stream = $2 ORDER BY start_at DESC LIMIT 1`,
      [cameraId, stream],
    );
    return row ? new Date(row.end_at).getTime() : undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
