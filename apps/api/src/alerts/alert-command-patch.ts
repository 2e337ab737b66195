import type { AlertCommand, AlertStatus, AlertView } from '@xueliang/contracts';
import type { ParentRegion } from '@xueliang/alerts';

/** Columns a command may set; the UPDATE is built from these names only. */
export type AlertPatch = Partial<
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

/** Who a dispatch goes to, already checked by the service (exists, active, reachable). */
export interface DispatchTarget {
  unitId: string | null;
  userId: string | null;
  name: string;
}

/** What a command does to an alert: the columns it sets, its timeline note and its detail. */
export interface AlertCommandChange {
  patch: AlertPatch;
  note: string | null;
  data: Record<string, unknown>;
}

/** Everything the patch depends on besides the alert and the body, resolved beforehand. */
export interface AlertCommandContext {
  /** The status the state machine decided on. */
  to: AlertStatus;
  now: Date;
  /** For `dispatch`. */
  target?: DispatchTarget;
  /** For `escalate`: the region the alert moves to. */
  parent?: ParentRegion;
}

/**
 * The change one workflow command makes, as a value: no I/O, so every command is a row in a
 * table test. First times stay first (a re-acknowledge keeps the original acknowledged_at);
 * notes default to what the command did, in the words the timeline shows.
 */
export function alertCommandChange(
  command: AlertCommand,
  alert: AlertView,
  body: Record<string, unknown>,
  ctx: AlertCommandContext,
): AlertCommandChange {
  const { now } = ctx;
  const patch: AlertPatch = {};
  let note: string | null = typeof body.note === 'string' ? body.note : null;
  const data: Record<string, unknown> = {};
  if (ctx.to !== alert.status) patch.status = ctx.to;
  switch (command) {
    case 'ack':
      patch.acknowledged_at = alert.acknowledgedAt ?? now;
      break;
    case 'dispatch': {
      const target = required(ctx.target, 'dispatch needs its target');
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
      const parent = required(ctx.parent, 'escalate needs the parent region');
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
  return { patch, note, data };
}

/** A missing lookup is the caller's bug, not the user's input: the service resolves these first. */
function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
