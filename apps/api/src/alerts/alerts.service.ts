import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
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
import { assertVisible, assertWritable, inScope, inSubtreeOf, type AuthUser } from '@xueliang/auth';
import { AlertQueues } from '../intake/alert-queues';
import { AlertPublisher } from '../live/alert-publisher';
import { alertCommandChange, type AlertCommandContext, type DispatchTarget } from './alert-command-patch';
import { AlertsRepository } from './alerts.repository';

type AnyCommandBody = AlertCommandBody<AlertCommand> & Record<string, unknown>;

const RAISE_WAIT_MS = 5000;

/** The alert workflow's rules: who sees an alert, who may do what to it, and when it is stale. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly publisher: AlertPublisher,
    private readonly queues: AlertQueues,
  ) {}

  /** Keyset pages, newest first; the cursor is opaque to the console. */
  async list(user: AuthUser, q: AlertQuery): Promise<Page<AlertView>> {
    let statuses: string[] | undefined;
    if (q.status) {
      statuses = q.status === 'open' ? [...OPEN_ALERT_STATUSES] : q.status.split(',');
      const unknown = statuses.filter((s) => !(ALERT_STATUSES as readonly string[]).includes(s));
      if (unknown.length) throw new BadRequestException(`status: unknown status ${unknown.join(', ')}`);
    }
    let subtreePath: string | undefined;
    if (q.regionId) {
      const region = await this.alerts.region(q.regionId);
      if (!region) throw new NotFoundException('region not found');
      assertVisible(user, region.path, 'region');
      subtreePath = region.path;
    }
    const rows = await this.alerts.listPage({
      scopePath: user.regionPath,
      statuses,
      priority: q.priority,
      type: q.type,
      source: q.source,
      cameraId: q.cameraId,
      subtreePath,
      from: q.from,
      to: q.to,
      text: q.q || undefined,
      assignedUserId: q.assignedToMe ? user.id : undefined,
      overdue: Boolean(q.overdue),
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const items = (await this.alerts.loadMany(page.map((r) => r.id))).map((l) => l.view);
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.created, last.id) : null };
  }

  async get(user: AuthUser, id: string): Promise<AlertDetailView> {
    const view = await this.visible(user, id);
    return { ...view, timeline: await this.alerts.timeline(id) };
  }

  /**
   * A duty officer's own report goes through the same intake as every other source. The answer
   * waits briefly for the alert-service so the console can open the alert at once.
   */
  async raise(user: AuthUser, input: RaiseAlert): Promise<AlertView | QueuedEvent> {
    const region = await this.alerts.region(input.regionId);
    if (!region) throw new NotFoundException('region not found');
    assertWritable(user, region.path);
    if (input.cameraId) {
      const cameraPath = await this.alerts.cameraRegionPath(input.cameraId);
      if (cameraPath === null) throw new NotFoundException('camera not found');
      assertVisible(user, cameraPath, 'camera');
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
      const alertId = await this.alerts.alertOfEvent(event.id);
      if (alertId) {
        const loaded = await this.alerts.load(alertId);
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

    const ctx: AlertCommandContext = { to: decision.to, now: new Date() };
    if (command === 'dispatch') ctx.target = await this.dispatchTarget(user, alert, body);
    if (command === 'escalate') {
      const parent = await this.alerts.parentRegion(alert.regionId);
      if (!parent) {
        throw conflict(
          alert,
          'illegal_transition',
          `cannot escalate: ${alert.regionName} has no parent region`,
        );
      }
      ctx.parent = parent;
    }
    const { patch, note, data } = alertCommandChange(command, alert, body, ctx);

    const change = await this.alerts.apply({
      alertId: id,
      version: alert.version,
      patch: command === 'comment' ? null : patch,
      timeline: {
        alertId: id,
        actorId: user.id,
        actorName: user.displayName,
        action: command,
        fromStatus: alert.status,
        toStatus: decision.to,
        note,
        data: Object.keys(data).length ? data : null,
      },
      actor: user,
      ip,
      audit: {
        action: `alert.${command}`,
        targetType: 'alert',
        targetId: id,
        regionId: (patch.region_id as string | undefined) ?? alert.regionId,
        detail: { from: alert.status, to: decision.to, version: alert.version, ...data },
      },
    });
    if (!change) {
      const current = await this.alerts.load(id);
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
    const loaded = await this.alerts.load(id);
    if (!loaded) throw new NotFoundException('alert not found');
    assertVisible(user, loaded.view.regionPath, 'alert');
    return loaded.view;
  }

  /** A responder's work: assigned to them by name, or to a unit inside their region subtree. */
  private async isAssignedTo(user: AuthUser, alert: AlertView): Promise<boolean> {
    if (alert.assignedUserId === user.id) return true;
    if (!alert.assignedUnitId) return false;
    const unit = await this.alerts.unit(alert.assignedUnitId);
    return Boolean(unit && inScope(user, unit.path));
  }

  /** The unit or responder must exist and sit inside the alert's region subtree or the dispatcher's scope. */
  private async dispatchTarget(
    user: AuthUser,
    alert: AlertView,
    body: AnyCommandBody,
  ): Promise<DispatchTarget> {
    const reachable = (path: string): boolean => inSubtreeOf(path, alert.regionPath) || inScope(user, path);
    let unitId: string | null = null;
    let userId: string | null = null;
    const names: string[] = [];
    if (typeof body.unitId === 'string') {
      const unit = await this.alerts.unit(body.unitId);
      if (!unit || unit.disabled) throw fieldError('unitId', 'no such active response unit');
      if (!reachable(unit.path))
        throw new ForbiddenException('unitId: the unit is outside the alert region and your region');
      unitId = unit.id;
      names.push(unit.name);
    }
    if (typeof body.userId === 'string') {
      const target = await this.alerts.user(body.userId);
      if (!target || target.disabled || !target.roles.includes('responder')) {
        throw fieldError('userId', 'no such active responder');
      }
      if (!reachable(target.path))
        throw new ForbiddenException('userId: the responder is outside the alert region and your region');
      userId = target.id;
      names.push(target.displayName);
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
