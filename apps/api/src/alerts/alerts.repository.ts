import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertSource, AlertTimelineEntryView, AlertType, Priority } from '@xueliang/contracts';
import { Alert, auditAction, type AuditActor, type AuditedAction } from '@xueliang/db';
import { escapeLike, whereInSubtree } from '@xueliang/auth';
import {
  appendTimeline,
  findParentRegion,
  loadAlert,
  loadAlerts,
  loadTimeline,
  recordAlertChange,
  type LoadedAlert,
  type ParentRegion,
  type PendingAlertChange,
  type TimelineInput,
} from '@xueliang/alerts';
import type { AlertPatch } from './alert-command-patch';

/** A list filter the service has already checked: statuses known, region visible, cursor decoded. */
export interface AlertListFilter {
  /** The caller's scope: only alerts at or below this path. */
  scopePath: string;
  statuses?: string[];
  priority?: Priority;
  type?: AlertType;
  source?: AlertSource;
  cameraId?: string;
  /** A region the caller picked inside their scope. */
  subtreePath?: string;
  from?: string;
  to?: string;
  text?: string;
  assignedUserId?: string;
  overdue?: boolean;
  /** Keyset position: created-at (ISO) and id of the last alert already shown. */
  after?: [string, string];
  limit: number;
}

export interface RegionRef {
  id: string;
  path: string;
  name: string;
}

export interface UnitRef {
  id: string;
  name: string;
  disabled: boolean;
  /** The path of the unit's region. */
  path: string;
}

export interface UserRef {
  id: string;
  displayName: string;
  disabled: boolean;
  roles: string[];
  /** The path of the user's region. */
  path: string;
}

/** One workflow command's writes, applied together or not at all. */
export interface AlertCommandWrite {
  alertId: string;
  /** The version the command was decided on; another writer in between makes it a no-op. */
  version: number;
  /** Null for a comment, which changes no column and no version. */
  patch: AlertPatch | null;
  timeline: TimelineInput;
  actor: AuditActor;
  ip: string;
  audit: AuditedAction;
}

/**
 * Every read and write of the alert workflow, so AlertsService reads as the rules. Region
 * visibility is decided by the service through region-scope; the filter here only applies it.
 */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Ids and creation times of one page (plus one to tell whether more follow), newest first. */
  async listPage(f: AlertListFilter): Promise<{ id: string; created: string }[]> {
    const qb = this.db
      .getRepository(Alert)
      .createQueryBuilder('a')
      .select('a.id', 'id')
      .addSelect(`to_char(a.createdAt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'created');
    whereInSubtree(qb, 'a.regionPath', f.scopePath, 'xlScopePath');
    if (f.statuses) qb.andWhere('a.status IN (:...statuses)', { statuses: f.statuses });
    if (f.priority) qb.andWhere('a.priority = :priority', { priority: f.priority });
    if (f.type) qb.andWhere('a.type = :type', { type: f.type });
    if (f.source) qb.andWhere('a.source = :source', { source: f.source });
    if (f.cameraId) qb.andWhere('a.cameraId = :cameraId', { cameraId: f.cameraId });
    if (f.subtreePath) whereInSubtree(qb, 'a.regionPath', f.subtreePath);
    if (f.from) qb.andWhere('a.createdAt >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.createdAt < :to', { to: f.to });
    if (f.text) {
      qb.andWhere('(a.title ILIKE :text OR a.number ILIKE :text OR a.description ILIKE :text)', {
        text: `%${escapeLike(f.text)}%`,
      });
    }
    if (f.assignedUserId) qb.andWhere('a.assignedUserId = :me', { me: f.assignedUserId });
    if (f.overdue) qb.andWhere('cardinality(a.overdueStages) > 0');
    if (f.after) {
      qb.andWhere('(a.createdAt, a.id) < (CAST(:cAt AS timestamptz), CAST(:cId AS uuid))', {
        cAt: f.after[0],
        cId: f.after[1],
      });
    }
    return qb
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(f.limit + 1)
      .getRawMany<{ id: string; created: string }>();
  }

  loadMany(ids: string[]): Promise<LoadedAlert[]> {
    return loadAlerts(this.db, ids);
  }

  load(id: string): Promise<LoadedAlert | null> {
    return loadAlert(this.db, id);
  }

  timeline(id: string): Promise<AlertTimelineEntryView[]> {
    return loadTimeline(this.db, id);
  }

  async region(id: string): Promise<RegionRef | null> {
    const [row] = await this.db.query<RegionRef[]>('SELECT id, path, name FROM regions WHERE id = $1', [id]);
    return row ?? null;
  }

  parentRegion(regionId: string): Promise<ParentRegion | null> {
    return findParentRegion(this.db, regionId);
  }

  async cameraRegionPath(cameraId: string): Promise<string | null> {
    const [row] = await this.db.query<{ region_path: string }[]>(
      'SELECT region_path FROM cameras WHERE id = $1',
      [cameraId],
    );
    return row?.region_path ?? null;
  }

  /** The alert a raw event became, once the alert-service has taken it in. */
  async alertOfEvent(eventId: string): Promise<string | null> {
    const [row] = await this.db.query<{ alert_id: string | null }[]>(
      'SELECT alert_id FROM raw_events WHERE id = $1',
      [eventId],
    );
    return row?.alert_id ?? null;
  }

  async unit(id: string): Promise<UnitRef | null> {
    const [row] = await this.db.query<UnitRef[]>(
      `SELECT u.id, u.name, u.disabled, r.path FROM response_units u JOIN regions r ON r.id = u.region_id WHERE u.id = $1`,
      [id],
    );
    return row ?? null;
  }

  async user(id: string): Promise<UserRef | null> {
    const [row] = await this.db.query<UserRef[]>(
      `SELECT u.id, u.display_name AS "displayName", u.disabled, u.roles, r.path
         FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Applies a command in one transaction: the patch guarded by the version (optimistic
   * concurrency), the timeline entry, the audit entry and the change-log row. Null when the
   * alert moved on since `version`; then nothing is written.
   */
  apply(w: AlertCommandWrite): Promise<PendingAlertChange | null> {
    return this.db.transaction(async (tx) => {
      if (w.patch) {
        const patch = w.patch;
        const cols = Object.keys(patch) as (keyof AlertPatch)[];
        const sets = cols.map((c, i) => `${c} = $${i + 3}`);
        const [, affected] = await tx.query<[unknown, number]>(
          `UPDATE alerts SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
            WHERE id = $1 AND version = $2`,
          [w.alertId, w.version, ...cols.map((c) => patch[c])],
        );
        if (affected !== 1) return null;
      }
      await appendTimeline(tx, w.timeline);
      await auditAction(tx, w.actor, w.ip, w.audit);
      return recordAlertChange(tx, 'alert.updated', w.alertId);
    });
  }
}
