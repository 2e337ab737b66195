import type {
  AlertChangeMessage,
  AlertSource,
  AlertStatus,
  AlertTimelineEntryView,
  AlertType,
  AlertView,
  Priority,
  SlaStage,
} from '@xueliang/contracts';
import type { Queryable } from '@xueliang/db';
import { publishToRegionPath, type RegionRooms, type SocketEmitter } from '@xueliang/queue';

/**
 * The alert read model and change log, shared by every process that changes alerts (the api's
 * workflow commands, the alert-service's intake and SLA timers), so an alert looks the same in
 * a REST answer, a socket push and a sync replay. Plain SQL over `Queryable` keeps this lib
 * free of the entity layer.
 */

interface AlertRow {
  id: string;
  number: string;
  type: AlertType;
  source: AlertSource;
  priority: Priority;
  status: AlertStatus;
  title: string;
  description: string;
  region_id: string;
  region_name: string;
  region_path: string;
  origin_region_id: string;
  origin_path: string | null;
  camera_id: string | null;
  camera_name: string | null;
  checkpoint_id: string | null;
  lon: number | null;
  lat: number | null;
  event_count: number;
  first_seen_at: Date;
  last_seen_at: Date;
  deadlines: Partial<Record<SlaStage, string>>;
  overdue_stages: SlaStage[];
  escalation_level: number;
  assigned_unit_id: string | null;
  unit_name: string | null;
  assigned_user_id: string | null;
  user_name: string | null;
  outcome: string | null;
  satisfaction: number | null;
  dismiss_reason: string | null;
  instructions: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  dispatched_at: Date | null;
  accepted_at: Date | null;
  arrived_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
}

/** An alert as pushed, plus the path of the region where it happened (the rooms it goes to). */
export interface LoadedAlert {
  view: AlertView;
  originPath: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toView(r: AlertRow): AlertView {
  return {
    id: r.id,
    number: r.number,
    type: r.type,
    source: r.source,
    priority: r.priority,
    status: r.status,
    title: r.title,
    description: r.description,
    regionId: r.region_id,
    regionName: r.region_name,
    regionPath: r.region_path,
    originRegionId: r.origin_region_id,
    cameraId: r.camera_id,
    cameraName: r.camera_name,
    checkpointId: r.checkpoint_id,
    location: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : null,
    eventCount: r.event_count,
    firstSeenAt: r.first_seen_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    deadlines: r.deadlines ?? {},
    overdueStages: r.overdue_stages ?? [],
    escalationLevel: r.escalation_level,
    assignedUnitId: r.assigned_unit_id,
    assignedUnitName: r.unit_name,
    assignedUserId: r.assigned_user_id,
    assignedUserName: r.user_name,
    outcome: r.outcome,
    satisfaction: r.satisfaction,
    dismissReason: r.dismiss_reason,
    instructions: r.instructions ?? '',
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    acknowledgedAt: iso(r.acknowledged_at),
    dispatchedAt: iso(r.dispatched_at),
    acceptedAt: iso(r.accepted_at),
    arrivedAt: iso(r.arrived_at),
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
  };
}

const SELECT_ALERTS = `
  SELECT a.*, r.name AS region_name, o.path AS origin_path, c.name AS camera_name,
         u.name AS unit_name, us.display_name AS user_name, p.instructions
    FROM alerts a
    JOIN regions r ON r.id = a.region_id
    LEFT JOIN regions o ON o.id = a.origin_region_id
    LEFT JOIN cameras c ON c.id = a.camera_id
    LEFT JOIN response_units u ON u.id = a.assigned_unit_id
    LEFT JOIN users us ON us.id = a.assigned_user_id
    LEFT JOIN sla_policies p ON p.alert_type = a.type AND p.priority = a.priority`;

/** Views of these alerts in the order of `ids`; unknown ids are left out. */
export async function loadAlerts(db: Queryable, ids: string[]): Promise<LoadedAlert[]> {
  if (!ids.length) return [];
  const rows = (await db.query(`${SELECT_ALERTS} WHERE a.id = ANY($1::uuid[])`, [ids])) as AlertRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is AlertRow => r !== undefined)
    .map((r) => ({ view: toView(r), originPath: r.origin_path ?? r.region_path }));
}

export async function loadAlert(db: Queryable, id: string): Promise<LoadedAlert | null> {
  const [found] = await loadAlerts(db, [id]);
  return found ?? null;
}

export interface TimelineInput {
  alertId: string;
  actorId: string | null;
  actorName: string;
  action: string;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
}

/** Appends one step to the alert's timeline (never updated, never deleted). */
export async function appendTimeline(db: Queryable, entry: TimelineInput): Promise<void> {
  await db.query(
    `INSERT INTO alert_timeline (alert_id, actor_id, actor_name, action, from_status, to_status, note, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.alertId,
      entry.actorId,
      entry.actorName.slice(0, 64),
      entry.action,
      entry.fromStatus,
      entry.toStatus,
      entry.note ?? null,
      entry.data ? JSON.stringify(entry.data) : null,
    ],
  );
}

interface TimelineRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  action: string;
  from_status: AlertStatus | null;
  to_status: AlertStatus | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

export async function loadTimeline(db: Queryable, alertId: string): Promise<AlertTimelineEntryView[]> {
  const rows = (await db.query(`SELECT * FROM alert_timeline WHERE alert_id = $1 ORDER BY id`, [
    alertId,
  ])) as TimelineRow[];
  return rows.map((t) => ({
    id: String(t.id),
    at: t.at.toISOString(),
    actorId: t.actor_id,
    actorName: t.actor_name,
    action: t.action,
    fromStatus: t.from_status,
    toStatus: t.to_status,
    note: t.note,
    data: t.data,
  }));
}

export type AlertChangeEvent = 'alert.created' | 'alert.updated';

/** A committed-to-be change: its seq is known inside the transaction, the push happens after commit. */
export interface PendingAlertChange {
  event: AlertChangeEvent;
  originPath: string;
  message: AlertChangeMessage;
}

/**
 * Writes the change log row inside the caller's transaction and returns what to push after
 * commit. The row carries the origin region's path: the origin and every ancestor (which
 * includes whoever owns the alert after escalations) replay it on sync.
 */
export async function recordAlertChange(
  db: Queryable,
  event: AlertChangeEvent,
  alertId: string,
): Promise<PendingAlertChange> {
  const loaded = await loadAlert(db, alertId);
  if (!loaded) throw new Error(`alert ${alertId} vanished inside its own transaction`);
  const rows = (await db.query(
    `INSERT INTO alert_changes (alert_id, event, region_path, payload) VALUES ($1, $2, $3, $4) RETURNING seq`,
    [alertId, event, loaded.originPath, JSON.stringify(loaded.view)],
  )) as { seq: string }[];
  return { event, originPath: loaded.originPath, message: { seq: String(rows[0].seq), alert: loaded.view } };
}

/** Pushes committed changes to the rooms of the origin region and every ancestor. */
export async function publishAlertChanges(
  emitter: SocketEmitter,
  rooms: RegionRooms,
  changes: PendingAlertChange[],
): Promise<void> {
  // The rooms of every path first, side by side (cached; a burst spans many villages), then
  // the pushes in the order given (seq order).
  await Promise.all([...new Set(changes.map((c) => c.originPath))].map((path) => rooms.roomsFor(path)));
  for (const c of changes) {
    await publishToRegionPath(emitter, rooms, c.originPath, c.event, c.message);
  }
}

/**
 * recordAlertChange for many alerts at once (the intake's batches): one read of the views and
 * one multi-row insert into the change log, in the caller's transaction. One change per alert:
 * the view written is the alert as the transaction leaves it, so a sync replay shows exactly
 * what the push after commit shows. Answers in seq order.
 */
export async function recordAlertChanges(
  db: Queryable,
  changes: { event: AlertChangeEvent; alertId: string }[],
): Promise<PendingAlertChange[]> {
  if (!changes.length) return [];
  const loaded = await loadAlerts(
    db,
    changes.map((c) => c.alertId),
  );
  if (loaded.length !== changes.length) throw new Error('an alert vanished inside its own transaction');
  const rows = (await db.query(
    `INSERT INTO alert_changes (alert_id, event, region_path, payload)
     SELECT a, e, p, v FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(a, e, p, v, n)
      ORDER BY n
     RETURNING seq, alert_id`,
    [
      loaded.map((l) => l.view.id),
      changes.map((c) => c.event),
      loaded.map((l) => l.originPath),
      loaded.map((l) => JSON.stringify(l.view)),
    ],
  )) as { seq: string; alert_id: string }[];
  const seqOf = new Map(rows.map((r) => [r.alert_id, String(r.seq)]));
  return loaded
    .map((l, i) => ({
      event: changes[i].event,
      originPath: l.originPath,
      message: { seq: seqOf.get(l.view.id)!, alert: l.view },
    }))
    .sort((a, b) => Number(BigInt(a.message.seq) - BigInt(b.message.seq)));
}
