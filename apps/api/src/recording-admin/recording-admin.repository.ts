import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RecordingPolicy } from '@xueliang/contracts';
import { type AuthUser, inSubtree, subtreePattern } from '@xueliang/auth';
import { auditAction, type AuditedAction, EvidenceLock, RecordingPolicyRecord } from '@xueliang/db';

export interface CameraPlace {
  id: string;
  name: string;
  regionId: string;
  regionPath: string;
}

export interface LockRow {
  id: string;
  camera_ids: string[];
  region_paths: string[];
  from_at: Date;
  to_at: Date;
  reason: string;
  alert_id: string | null;
  expires_at: Date | null;
  created_by: string;
  created_by_name: string | null;
  created_at: Date;
  released_at: Date | null;
  released_by_name: string | null;
  release_reason: string | null;
  active: boolean;
}

export interface CameraFootageRow {
  id: string;
  name: string;
  mode: string | null;
  stream: string | null;
  oldest: Date | null;
  newest: Date | null;
}

export interface LockFilter {
  cameraId?: string;
  active?: boolean;
  limit: number;
}

const LOCK_COLUMNS = `l.id, l.camera_ids, l.region_paths, l.from_at, l.to_at, l.reason, l.alert_id, l.expires_at,
  l.created_by, cu.display_name AS created_by_name, l.created_at, l.released_at,
  ru.display_name AS released_by_name, l.release_reason,
  (l.released_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > now())) AS active`;
const LOCK_FROM = `evidence_locks l
  LEFT JOIN users cu ON cu.id = l.created_by
  LEFT JOIN users ru ON ru.id = l.released_by`;

/**
 * Policies, evidence locks and the footage summary in PostgreSQL. Every write carries its audit
 * entry in the same transaction. A lock is within a user's scope only when every region it
 * covers is (a lock across townships is the county's business).
 */
@Injectable()
export class RecordingAdminRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async cameras(ids: string[]): Promise<CameraPlace[]> {
    if (!ids.length) return [];
    return this.db.query<CameraPlace[]>(
      `SELECT id, name, region_id AS "regionId", region_path AS "regionPath" FROM cameras WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  policy(cameraId: string): Promise<RecordingPolicyRecord | null> {
    return this.db.getRepository(RecordingPolicyRecord).findOneBy({ cameraId });
  }

  savePolicy(
    cameraId: string,
    policy: RecordingPolicy,
    by: AuthUser,
    ip: string | null,
    audit: AuditedAction,
  ): Promise<RecordingPolicyRecord> {
    return this.db.transaction(async (tx) => {
      await tx
        .getRepository(RecordingPolicyRecord)
        .upsert({ cameraId, ...policy, updatedBy: by.id }, ['cameraId']);
      await auditAction(tx, by, ip, audit);
      return tx.getRepository(RecordingPolicyRecord).findOneByOrFail({ cameraId });
    });
  }

  async alertRegionPath(alertId: string): Promise<string | null> {
    const [row] = await this.db.query<{ region_path: string }[]>(
      'SELECT region_path FROM alerts WHERE id = $1',
      [alertId],
    );
    return row?.region_path ?? null;
  }

  createLock(
    values: Pick<
      EvidenceLock,
      'cameraIds' | 'regionPaths' | 'fromAt' | 'toAt' | 'reason' | 'alertId' | 'expiresAt'
    >,
    by: AuthUser,
    ip: string | null,
    audit: (lock: EvidenceLock) => AuditedAction,
  ): Promise<string> {
    return this.db.transaction(async (tx) => {
      const lock = await tx.save(tx.create(EvidenceLock, { ...values, createdBy: by.id }));
      await auditAction(tx, by, ip, audit(lock));
      return lock.id;
    });
  }

  /** Releases a held lock; false when it was released meanwhile (nothing written, nothing audited). */
  releaseLock(
    id: string,
    reason: string,
    by: AuthUser,
    ip: string | null,
    audit: AuditedAction,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(EvidenceLock)
        .set({ releasedAt: () => 'now()', releasedBy: by.id, releaseReason: reason })
        .where('id = :id AND releasedAt IS NULL', { id })
        .execute();
      if (!result.affected) return false;
      await auditAction(tx, by, ip, audit);
      return true;
    });
  }

  /** One lock if the user's scope covers every region it locks. */
  async lockInScope(user: AuthUser, id: string): Promise<LockRow | null> {
    const [row] = await this.db.query<LockRow[]>(
      `SELECT ${LOCK_COLUMNS} FROM ${LOCK_FROM}
       WHERE l.id = $1 AND NOT EXISTS (SELECT 1 FROM unnest(l.region_paths) p WHERE NOT (p LIKE $2))`,
      [id, subtreePattern(user.regionPath)],
    );
    return row ?? null;
  }

  /** The regions a lock covers, null when there is no such lock (a refusal is told from a miss). */
  async lockRegionPaths(id: string): Promise<string[] | null> {
    const [row] = await this.db.query<{ region_paths: string[] }[]>(
      'SELECT region_paths FROM evidence_locks WHERE id = $1',
      [id],
    );
    return row ? row.region_paths : null;
  }

  listLocks(user: AuthUser, f: LockFilter): Promise<LockRow[]> {
    const params: unknown[] = [subtreePattern(user.regionPath)];
    const where = ['NOT EXISTS (SELECT 1 FROM unnest(l.region_paths) p WHERE NOT (p LIKE $1))'];
    if (f.cameraId) {
      params.push(f.cameraId);
      where.push(`l.camera_ids @> ARRAY[$${params.length}::uuid]`);
    }
    if (f.active !== undefined) {
      where.push(
        `${f.active ? '' : 'NOT '}(l.released_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > now()))`,
      );
    }
    params.push(f.limit);
    return this.db.query<LockRow[]>(
      `SELECT ${LOCK_COLUMNS} FROM ${LOCK_FROM} WHERE ${where.join(' AND ')}
       ORDER BY l.created_at DESC, l.id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * The user's cameras with their policy and the first and last footage in the index (per stream
   * through the camera × stream × start index: four probes a camera, whatever the index size).
   */
  camerasWithFootage(user: AuthUser): Promise<CameraFootageRow[]> {
    const scope = inSubtree('c.region_path', user.regionPath, 1);
    const first = (stream: string) =>
      `(SELECT min(s.start_at) FROM recording_segments s WHERE s.camera_id = c.id AND s.stream = '${stream}')`;
    const last = (stream: string) =>
      `(SELECT s.end_at FROM recording_segments s WHERE s.camera_id = c.id AND s.stream = '${stream}' ORDER BY s.start_at DESC LIMIT 1)`;
    return this.db.query<CameraFootageRow[]>(
      `SELECT c.id, c.name, p.mode, p.stream,
              LEAST(${first('main')}, ${first('sub')}) AS oldest,
              GREATEST(${last('main')}, ${last('sub')}) AS newest
       FROM cameras c LEFT JOIN recording_policies p ON p.camera_id = c.id
       WHERE ${scope.sql}
       ORDER BY c.name, c.id`,
      [scope.param],
    );
  }
}
