import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ALERT_STATUSES,
  decide,
  OPEN_ALERT_STATUSES,
  type AlertCommand,
  type AlertCommandBody,
  type AlertConflict,
  type AlertDetailView,
  type AlertQuery,
  type AlertStatus,
  type AlertView,
  type Page,
  type QueuedEvent,
  type RaiseAlert,
  type RawEvent,
} from '@xueliang/contracts';
import { Alert, auditAction, Region } from '@xueliang/db';
import {
  assertVisible,
  assertWritable,
  escapeLike,
  inScope,
  scopeToRegion,
  type AuthUser,
} from '@xueliang/auth';
import { appendTimeline, loadAlert, loadAlerts, loadTimeline, recordAlertChange } from '@xueliang/alerts';
import { AlertQueues } from '../intake/alert-queues';
import { AlertPublisher } from '../live/alert-publisher';

/** Columns a command may set; the UPDATE is built from these names only. */
type Patch = Partial<
  Record<
    | 'status'
    | 'acknowledged_at'
    | 'dispatched_at'
    | 'accepted_at'
    | 'arrived_at'
    | 'resolved_at'
    | 'closed_at'
    | 'assigned_unit_id'
    | 'assigned_user_id'
    | 'outcome'
    | 'satisfaction'
    | 'dismiss_reason'
    | 'region_id'
    | 'region_path'
    | 'escalation_level',
    string | number | Date | null
  >
>;

type AnyCommandBody = AlertCommandBody<AlertCommand> & Record<string, unknown>;

interface Target {
  unitId: string | null;
  userId: string | null;
  name: string;
}

const RAISE_WAIT_MS = 5000;

@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: AlertPublisher,
    private readonly queues: AlertQueues,
  ) {}

  /** Keyset pages, newest first; the cursor is opaque to the console. */
  async list(user: AuthUser, q: AlertQuery): Promise<Page<AlertView>> {
    const qb = this.db
      .getRepository(Alert)
      .createQueryBuilder('a')
      .select('a.id', 'id')
      .addSelect(`to_char(a.createdAt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'created');
    scopeToRegion(qb, user);
    if (q.status) {
      const statuses = q.status === 'open' ? [...OPEN_ALERT_STATUSES] : q.status.split(',');
      const unknown = statuses.filter((s) => !(ALERT_STATUSES as readonly string[]).includes(s));
      if (unknown.length) throw new BadRequestException(`status: unknown status ${unknown.join(', ')}`);
      qb.andWhere('a.status IN (:...statuses)', { statuses });
    }
    if (q.priority) qb.andWhere('a.priority = :priority', { priority: q.priority });
    if (q.type) qb.andWhere('a.type = :type', { type: q.type });
    if (q.source) qb.andWhere('a.source = :source', { source: q.source });
    if (q.cameraId) qb.andWhere('a.cameraId = :cameraId', { cameraId: q.cameraId });
    if (q.regionId) {
      const region = await this.db.getRepository(Region).findOneBy({ id: q.regionId });
      if (!region) throw new NotFoundException('region not found');
      assertVisible(user, region.path, 'region');
      qb.andWhere('a.regionPath LIKE :subtree', { subtree: `${escapeLike(region.path)}%` });
    }
    if (q.from) qb.andWhere('a.createdAt >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.createdAt < :to', { to: q.to });
    if (q.q) {
      qb.andWhere('(a.title ILIKE :text OR a.number ILIKE :text OR a.description ILIKE :text)', {
        text: `%${escapeLike(q.q)}%`,
      });
    }
    if (q.assignedToMe) qb.andWhere('a.assignedUserId = :me', { me: user.id });
    if (q.overdue) qb.andWhere('cardinality(a.overdueStages) > 0');
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      qb.andWhere('(a.createdAt, a.id) < (CAST(:cAt AS timestamptz), CAST(:cId AS uuid))', {
        cAt: at,
        cId: id,
      });
    }
    const rows = await qb
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(q.limit + 1)
      .getRawMany<{ id: string; created: string }>();
    const page = rows.slice(0, q.limit);
    const items = (
      await loadAlerts(
        this.db,
        page.map((r) => r.id),
      )
    ).map((l) => l.view);
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.created, last.id) : null };
  }

  async get(user: AuthUser, id: string): Promise<AlertDetailView> {
    const view = await this.visible(user, id);
    return { ...view, timeline: await loadTimeline(this.db, id) };
  }

  /**
   * A duty officer's own report goes through the same intake as every other source. The answer
   * waits briefly for the alert-service so the console can open the alert at once.
   */
  async raise(user: AuthUser, input: RaiseAlert): Promise<AlertView | QueuedEvent> {
    const region = await this.db.getRepository(Region).findOneBy({ id: input.regionId });
    if (!region) throw new NotFoundException('region not found');
    assertWritable(user, region.path);
    if (input.cameraId) {
      const [camera] = (await this.db.query('SELECT region_path FROM cameras WHERE id = $1', [
        input.cameraId,
      ])) as {
        region_path: string;
      }[];
      if (!camera) throw new NotFoundException('camera not found');
      assertVisible(user, camera.region_path, 'camera');
    }
    const event: RawEvent = {
      id: `manual:${randomUUID()}`,
      source: 'manual',
      type: input.type,
      priority: input.priority,
      occurredAt: new Date().toISOString(),
      regionId: region.id,
      cameraId: input.cameraId,
      title: input.title,
      description: input.description,
      location: input.location,
      reporter: user.displayName,
      attributes: { raisedById: user.id },
    };
    await this.queues.enqueue(event);
    const deadline = Date.now() + RAISE_WAIT_MS;
    while (Date.now() < deadline) {
      const [row] = (await this.db.query('SELECT alert_id FROM raw_events WHERE id = $1', [event.id])) as {
        alert_id: string | null;
      }[];
      if (row?.alert_id) {
        const loaded = await loadAlert(this.db, row.alert_id);
        if (loaded) return loaded.view;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { eventId: event.id, status: 'queued' };
  }

  /** One workflow command: scope (404), role and state (403/409), version (409), then one transaction. */
  async command(
    user: AuthUser,
    id: string,
    command: AlertCommand,
    body: AnyCommandBody,
    ip: string,
  ): Promise<AlertView> {
    const alert = await this.visible(user, id);
    const assignedToActor = await this.isAssignedTo(user, alert);
    const decision = decide(command, alert, { roles: user.roles, assignedToActor });
    if (!decision.ok && decision.refusal === 'forbidden') throw new ForbiddenException(decision.message);
    const version = typeof body.version === 'number' ? body.version : null;
    if (command !== 'comment' && version !== alert.version) throw stale(alert, version);
    if (!decision.ok) throw conflict(alert, 'illegal_transition', decision.message);

    const now = new Date();
    const patch: Patch = {};
    let note: string | null = typeof body.note === 'string' ? body.note : null;
    const data: Record<string, unknown> = {};
    if (decision.to !== alert.status) patch.status = decision.to;
    switch (command) {
      case 'ack':
        patch.acknowledged_at = alert.acknowledgedAt ?? now;
        break;
      case 'dispatch': {
        const target = await this.dispatchTarget(user, alert, body);
        patch.dispatched_at = alert.dispatchedAt ?? now;
        patch.assigned_unit_id = target.unitId;
        patch.assigned_user_id = target.userId;
        Object.assign(data, { unitId: target.unitId, userId: target.userId, to: target.name });
        note = note ?? `交办至 ${target.name}`;
        break;
      }
      case 'accept':
        patch.accepted_at = alert.acceptedAt ?? now;
        break;
      case 'arrive':
        patch.arrived_at = alert.arrivedAt ?? now;
        break;
      case 'resolve':
        patch.resolved_at = now;
        patch.outcome = String(body.outcome);
        note = String(body.outcome);
        break;
      case 'follow-up':
        patch.satisfaction = Number(body.satisfaction);
        data.satisfaction = patch.satisfaction;
        break;
      case 'close':
        patch.closed_at = now;
        break;
      case 'dismiss':
        patch.dismiss_reason = String(body.reason);
        note = String(body.reason);
        break;
      case 'reopen':
        patch.resolved_at = null;
        patch.outcome = null;
        patch.satisfaction = null;
        break;
      case 'escalate': {
        const [parent] = (await this.db.query(
          `SELECT p.id, p.path, p.name FROM regions r JOIN regions p ON p.id = r.parent_id WHERE r.id = $1`,
          [alert.regionId],
        )) as { id: string; path: string; name: string }[];
        if (!parent)
          throw conflict(
            alert,
            'illegal_transition',
            `cannot escalate: ${alert.regionName} has no parent region`,
          );
        patch.region_id = parent.id;
        patch.region_path = parent.path;
        patch.escalation_level = alert.escalationLevel + 1;
        Object.assign(data, { fromRegionId: alert.regionId, toRegionId: parent.id });
        note = note ? `上报至${parent.name}: ${note}` : `上报至${parent.name}`;
        break;
      }
      case 'comment':
        break;
    }

    const change = await this.db.transaction(async (tx) => {
      if (command !== 'comment') {
        const cols = Object.keys(patch) as (keyof Patch)[];
        const sets = cols.map((c, i) => `${c} = $${i + 3}`);
        const [, affected] = (await tx.query(
          `UPDATE alerts SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
            WHERE id = $1 AND version = $2`,
          [id, alert.version, ...cols.map((c) => patch[c])],
        )) as [unknown, number];
        if (affected !== 1) return null;
      }
      await appendTimeline(tx, {
        alertId: id,
        actorId: user.id,
        actorName: user.displayName,
        action: command,
        fromStatus: alert.status,
        toStatus: decision.to,
        note,
        data: Object.keys(data).length ? data : null,
      });
      await auditAction(tx, user, ip, {
        action: `alert.${command}`,
        targetType: 'alert',
        targetId: id,
        regionId: (patch.region_id as string | undefined) ?? alert.regionId,
        detail: { from: alert.status, to: decision.to, version: alert.version, ...data },
      });
      return recordAlertChange(tx, 'alert.updated', id);
    });
    if (!change) {
      const current = await loadAlert(this.db, id);
      throw stale(current?.view ?? alert, version);
    }
    await this.publisher.publish([change]);
    const next = change.message.alert;
    await this.queues.cancelSettled({
      id,
      status: next.status,
      acknowledgedAt: next.acknowledgedAt ? new Date(next.acknowledgedAt) : null,
      dispatchedAt: next.dispatchedAt ? new Date(next.dispatchedAt) : null,
      acceptedAt: next.acceptedAt ? new Date(next.acceptedAt) : null,
      arrivedAt: next.arrivedAt ? new Date(next.arrivedAt) : null,
      resolvedAt: next.resolvedAt ? new Date(next.resolvedAt) : null,
    });
    return next;
  }

  private async visible(user: AuthUser, id: string): Promise<AlertView> {
    const loaded = await loadAlert(this.db, id);
    if (!loaded) throw new NotFoundException('alert not found');
    assertVisible(user, loaded.view.regionPath, 'alert');
    return loaded.view;
  }

  /** A responder's work: assigned to them by name, or to a unit inside their region subtree. */
  private async isAssignedTo(user: AuthUser, alert: AlertView): Promise<boolean> {
    if (alert.assignedUserId === user.id) return true;
    if (!alert.assignedUnitId) return false;
    const [unit] = (await this.db.query(
      'SELECT r.path FROM response_units u JOIN regions r ON r.id = u.region_id WHERE u.id = $1',
      [alert.assignedUnitId],
    )) as { path: string }[];
    return Boolean(unit && inScope(user, unit.path));
  }

  /** The unit or responder must exist and sit inside the alert's region subtree or the dispatcher's scope. */
  private async dispatchTarget(user: AuthUser, alert: AlertView, body: AnyCommandBody): Promise<Target> {
    const reachable = (path: string): boolean => path.startsWith(alert.regionPath) || inScope(user, path);
    let unitId: string | null = null;
    let userId: string | null = null;
    const names: string[] = [];
    if (typeof body.unitId === 'string') {
      const [unit] = (await this.db.query(
        `SELECT u.id, u.name, u.disabled, r.path FROM response_units u JOIN regions r ON r.id = u.region_id WHERE u.id = $1`,
        [body.unitId],
      )) as { id: string; name: string; disabled: boolean; path: string }[];
      if (!unit || unit.disabled) throw fieldError('unitId', 'no such active response unit');
      if (!reachable(unit.path))
        throw new ForbiddenException('unitId: the unit is outside the alert region and your region');
      unitId = unit.id;
      names.push(unit.name);
    }
    if (typeof body.userId === 'string') {
      const [target] = (await this.db.query(
        `SELECT u.id, u.display_name, u.disabled, u.roles, r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = $1`,
        [body.userId],
      )) as { id: string; display_name: string; disabled: boolean; roles: string[]; path: string }[];
      if (!target || target.disabled || !target.roles.includes('responder')) {
        throw fieldError('userId', 'no such active responder');
      }
      if (!reachable(target.path))
        throw new ForbiddenException('userId: the responder is outside the alert region and your region');
      userId = target.id;
      names.push(target.display_name);
    }
    return { unitId, userId, name: names.join(' / ') };
  }
}

function conflict(alert: AlertView, reason: AlertConflict['reason'], message: string): ConflictException {
  const body: AlertConflict = { statusCode: 409, error: 'Conflict', message, reason, alert };
  return new ConflictException(body);
}

function stale(alert: AlertView, given: number | null): ConflictException {
  return conflict(
    alert,
    'stale_version',
    `the alert changed since you loaded it (you sent version ${given ?? 'none'}, it is now ${alert.version}); reload and retry`,
  );
}

function fieldError(path: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${path}: ${message}`,
    issues: [{ path, message }],
  });
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new BadRequestException('cursor: not a cursor this api issued');
}

export type { AlertStatus };
