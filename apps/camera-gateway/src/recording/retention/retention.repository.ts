import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** A segment row the sweeper deleted: its file goes next. */
export interface DeletedSegment {
  id: string;
  cameraId: string;
  path: string;
  bytes: number;
}

/** What the index says this gateway's recordings hold, per camera. */
export interface IndexUsage {
  /** The highest segment id counted (rows above it are new since). */
  lastId: string;
  byCamera: Map<string, number>;
}

/**
 * Active evidence locks flattened to one row per locked camera, for the statement they guard:
 * not released, not expired at `$now`. Footage overlapping one of them is never chosen.
 */
const ACTIVE_LOCKS = `locks AS MATERIALIZED (
  SELECT unnest(l.camera_ids) AS camera_id, l.from_at, l.to_at
  FROM evidence_locks l
  WHERE l.released_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > $1)
)`;
const UNLOCKED = `NOT EXISTS (
  SELECT 1 FROM locks k WHERE k.camera_id = s.camera_id AND k.from_at < s.end_at AND k.to_at > s.start_at
)`;

/** By primary key: a join would let the planner scan the whole table for a batch. */
const DELETE_VICTIMS = `DELETE FROM recording_segments d WHERE d.id = ANY (ARRAY(SELECT id FROM victims))
  RETURNING d.id, d.camera_id, d.path, d.bytes`;

const toDeleted = (
  rows: { id: string; camera_id: string; path: string; bytes: string }[],
): DeletedSegment[] =>
  rows.map((r) => ({ id: String(r.id), cameraId: r.camera_id, path: r.path, bytes: Number(r.bytes) }));

/**
 * The retention sweeper's SQL. Every statement names this gateway (it deletes only what it
 * wrote: its disk holds those files) and runs on the segment indexes: camera × stream × start
 * for retention by days, start for the quota's oldest-first order, the primary key for counting
 * new rows. Deletes are batches of `limit` rows returned with their paths, so the caller removes
 * the files after the rows are gone.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every camera with footage in the index (a loose index scan: one probe per camera). */
  async camerasWithFootage(): Promise<string[]> {
    const rows = await this.db.query<{ camera_id: string }[]>(
      `WITH RECURSIVE c AS (
         (SELECT camera_id FROM recording_segments ORDER BY camera_id LIMIT 1)
         UNION ALL
         SELECT (SELECT s.camera_id FROM recording_segments s WHERE s.camera_id > c.camera_id
                 ORDER BY s.camera_id LIMIT 1)
         FROM c WHERE c.camera_id IS NOT NULL
       )
       SELECT camera_id FROM c WHERE camera_id IS NOT NULL`,
    );
    return rows.map((r) => r.camera_id);
  }

  /** Retention days of the cameras that have a policy of their own. */
  async retentionDays(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ camera_id: string; retention_days: number }[]>(
      'SELECT camera_id, retention_days FROM recording_policies',
    );
    return new Map(rows.map((r) => [r.camera_id, Number(r.retention_days)]));
  }

  /**
   * Deletes up to `limit` of this gateway's unlocked segments of these cameras that ended before
   * `cutoff` (the cameras share a retention). One index range per camera and stream (a lateral
   * probe), so cameras that keep longer are never scanned for the others' cut-off. `withRows` runs inside the transaction before it
   * commits (the journal of files to remove).
   */
  expired(
    gatewayId: string,
    cameraIds: string[],
    cutoff: Date,
    now: Date,
    limit: number,
    withRows: (rows: DeletedSegment[]) => Promise<void>,
  ): Promise<DeletedSegment[]> {
    return this.deleting(
      `WITH ${ACTIVE_LOCKS},
       victims AS (
         SELECT v.id
         FROM unnest($2::uuid[]) AS c(id) CROSS JOIN (VALUES ('main'), ('sub')) AS st(stream),
         LATERAL (
           SELECT s.id FROM recording_segments s
           WHERE s.camera_id = c.id AND s.stream = st.stream AND s.start_at < $3 AND s.end_at < $3
             AND s.gateway_id = $4 AND ${UNLOCKED}
           ORDER BY s.start_at LIMIT $5
         ) v
         LIMIT $5
       )
       ${DELETE_VICTIMS}`,
      [now, cameraIds, cutoff, gatewayId, limit],
      withRows,
    );
  }

  /**
   * Deletes this gateway's oldest unlocked segments, whatever their camera, until `bytes` are
   * freed or `limit` rows went (the first segment past the amount is included, so the amount is
   * reached).
   */
  oldest(
    gatewayId: string,
    bytes: number,
    now: Date,
    limit: number,
    withRows: (rows: DeletedSegment[]) => Promise<void>,
  ): Promise<DeletedSegment[]> {
    return this.deleting(
      `WITH ${ACTIVE_LOCKS},
       candidates AS (
         SELECT s.id, s.bytes, sum(s.bytes) OVER (ORDER BY s.start_at, s.id) AS running
         FROM recording_segments s
         WHERE s.gateway_id = $2 AND ${UNLOCKED}
         ORDER BY s.start_at, s.id LIMIT $3
       ),
       victims AS (SELECT id FROM candidates WHERE running - bytes < $4)
       ${DELETE_VICTIMS}`,
      [now, gatewayId, limit, bytes],
      withRows,
    );
  }

  private deleting(
    sql: string,
    params: unknown[],
    withRows: (rows: DeletedSegment[]) => Promise<void>,
  ): Promise<DeletedSegment[]> {
    return this.db.transaction(async (tx: EntityManager) => {
      const [rows] = await tx.query<
        [{ id: string; camera_id: string; path: string; bytes: string }[], number]
      >(sql, params);
      const deleted = toDeleted(rows);
      if (deleted.length) await withRows(deleted);
      return deleted;
    });
  }

  /** Recorded gaps of these cameras that ended before their retention cut-off and overlap no active lock. */
  async expireGaps(cameraIds: string[], cutoff: Date, now: Date): Promise<number> {
    const [, count] = await this.db.query<[unknown[], number]>(
      `WITH ${ACTIVE_LOCKS}
       DELETE FROM recording_gaps s
       WHERE s.camera_id = ANY($2::uuid[]) AND s.stream IN ('main', 'sub') AND s.start_at < $3
         AND s.end_at < $3 AND ${UNLOCKED}`,
      [now, cameraIds, cutoff],
    );
    return count;
  }

  /** Paths among `paths` that the index still holds (a journal replay keeps those files). */
  async indexedPaths(paths: string[]): Promise<Set<string>> {
    if (!paths.length) return new Set();
    const rows = await this.db.query<{ path: string }[]>(
      'SELECT path FROM recording_segments WHERE path = ANY($1::text[])',
      [paths],
    );
    return new Set(rows.map((r) => r.path));
  }

  /** A full count of this gateway's footage per camera, and the id it is exact up to. */
  async countAll(gatewayId: string): Promise<IndexUsage> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const [top] = await tx.query<{ id: string | null }[]>('SELECT max(id) AS id FROM recording_segments');
      const rows = await tx.query<{ camera_id: string; bytes: string }[]>(
        `SELECT camera_id, sum(bytes) AS bytes FROM recording_segments
         WHERE gateway_id = $1 AND id <= $2 GROUP BY camera_id`,
        [gatewayId, top.id ?? '0'],
      );
      return {
        lastId: String(top.id ?? '0'),
        byCamera: new Map(rows.map((r) => [r.camera_id, Number(r.bytes)])),
      };
    });
  }

  /** This gateway's footage indexed after `afterId`, per camera (the primary key finds them). */
  countSince(gatewayId: string, afterId: string): Promise<IndexUsage> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const [top] = await tx.query<{ id: string | null }[]>(
        'SELECT max(id) AS id FROM recording_segments WHERE id > $1',
        [afterId],
      );
      if (top.id === null) return { lastId: afterId, byCamera: new Map<string, number>() };
      const rows = await tx.query<{ camera_id: string; bytes: string }[]>(
        `SELECT camera_id, sum(bytes) AS bytes FROM recording_segments
         WHERE id > $1 AND id <= $2 AND gateway_id = $3 GROUP BY camera_id`,
        [afterId, top.id, gatewayId],
      );
      return {
        lastId: String(top.id),
        byCamera: new Map(rows.map((r) => [r.camera_id, Number(r.bytes)])),
      };
    });
  }

  /** The region alerts about the platform itself are filed under: the top of the tree. */
  async countyRegionId(): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }[]>(
      'SELECT id FROM regions WHERE parent_id IS NULL ORDER BY path LIMIT 1',
    );
    return row?.id ?? null;
  }
}
