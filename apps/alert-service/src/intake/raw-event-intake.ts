import { UnrecoverableError } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import {
  OPEN_ALERT_STATUSES,
  RawEventSchema,
  safeParseInput,
  summariseIssues,
  type RawEvent,
} from '@xueliang/contracts';
import { recordAudit } from '@xueliang/db';
import {
  appendTimeline,
  computeDeadlines,
  recordAlertChange,
  type PendingAlertChange,
  type StageSeconds,
} from '@xueliang/alerts';
import type { AlertEffects, SlaSubject } from '../alert-effects';
import { correlationKey, DEFAULT_PRIORITY, isRecovery, TYPE_TITLE } from './correlation';

export type IntakeOutcome = 'created' | 'correlated' | 'duplicate' | 'muted' | 'recovered' | 'recorded';

export interface IntakeResult {
  outcome: IntakeOutcome;
  alertId: string | null;
}

/** Where an event happened, from its camera, else its checkpoint, else its region. */
interface Subject {
  regionId: string;
  regionPath: string;
  name: string;
  lon: number | null;
  lat: number | null;
}

interface PolicyRow extends StageSeconds {
  correlation_window_seconds: number;
}

const OPEN = OPEN_ALERT_STATUSES as readonly string[];
const SYSTEM = '系统';

/**
 * validate → correlate or create → persist, in one transaction per event. The raw event's id
 * is the primary key of raw_events and is inserted first, so a retried or duplicated job finds
 * it there and changes nothing; an advisory lock on the correlation key serialises workers
 * that would otherwise both create an alert for the same camera and type.
 */
export class RawEventIntake {
  constructor(
    private readonly db: DataSource,
    private readonly effects: AlertEffects,
  ) {}

  async handle(data: unknown): Promise<IntakeResult> {
    // Text PostgreSQL cannot store fails here once, naming the field, not on every retry at INSERT.
    const parsed = safeParseInput(RawEventSchema, data);
    if (!parsed.success) throw new UnrecoverableError(`invalid raw event: ${summariseIssues(parsed.error)}`);
    const event = parsed.data;
    const subject = await this.subjectOf(event);
    const key = correlationKey(event);

    const changes: PendingAlertChange[] = [];
    let sla: { schedule?: SlaSubject; cancel?: SlaSubject } = {};
    const result = await this.db.transaction(async (tx): Promise<IntakeResult> => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO raw_events (id, source, type, occurred_at, payload) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.source, event.type, event.occurredAt, JSON.stringify(event)],
      );
      if (!inserted.length) return { outcome: 'duplicate', alertId: null };

      if (isRecovery(event)) {
        const resolved = await this.resolveOutage(tx, event, key);
        if (resolved) {
          changes.push(resolved.change);
          sla = { cancel: resolved.sla };
        }
        return { outcome: resolved ? 'recovered' : 'recorded', alertId: resolved?.alertId ?? null };
      }

      if (await this.isMuted(tx, event)) {
        await tx.query('UPDATE raw_events SET muted = true WHERE id = $1', [event.id]);
        return { outcome: 'muted', alertId: null };
      }

      const priority = event.priority ?? DEFAULT_PRIORITY[event.type];
      const [policy] = await tx.query<PolicyRow[]>(
        `SELECT acknowledge_seconds AS "acknowledgeSeconds", dispatch_seconds AS "dispatchSeconds",
                accept_seconds AS "acceptSeconds", arrive_seconds AS "arriveSeconds",
                resolve_seconds AS "resolveSeconds", correlation_window_seconds
           FROM sla_policies WHERE alert_type = $1 AND priority = $2`,
        [event.type, priority],
      );
      const window = policy?.correlation_window_seconds ?? 600;

      if (window > 0 && event.source !== 'manual') {
        const [open] = await tx.query<{ id: string }[]>(
          `SELECT id FROM alerts
            WHERE correlation_key = $1 AND status = ANY($2) AND last_seen_at >= now() - make_interval(secs => $3)
            ORDER BY last_seen_at DESC LIMIT 1`,
          [key, OPEN, window],
        );
        if (open) {
          // Counters are not workflow state: no version bump, so a storm never makes an officer's ack stale.
          await tx.query(
            `UPDATE alerts SET event_count = event_count + 1,
                    last_seen_at = GREATEST(last_seen_at, $2::timestamptz), updated_at = now()
              WHERE id = $1`,
            [open.id, event.occurredAt],
          );
          await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, open.id]);
          await this.noteCorrelation(tx, open.id, event);
          changes.push(await recordAlertChange(tx, 'alert.updated', open.id));
          return { outcome: 'correlated', alertId: open.id };
        }
      }

      const created = await this.createAlert(tx, event, key, subject, priority, policy ?? null);
      changes.push(await recordAlertChange(tx, 'alert.created', created.id));
      sla = { schedule: created };
      return { outcome: 'created', alertId: created.id };
    });

    await this.effects.publish(changes);
    if (sla.schedule) await this.effects.scheduleSla(sla.schedule);
    if (sla.cancel) await this.effects.cancelSettledSla(sla.cancel);
    return result;
  }

  /**
   * The timeline says when repeats were merged, at most once a minute per alert: a 1,000-event
   * storm leaves a readable trail, not 1,000 lines (raw_events links every one to the alert).
   */
  private async noteCorrelation(tx: EntityManager, alertId: string, event: RawEvent): Promise<void> {
    const recent = await tx.query<unknown[]>(
      `SELECT 1 FROM alert_timeline WHERE alert_id = $1 AND action = 'correlate' AND at > now() - interval '60 seconds' LIMIT 1`,
      [alertId],
    );
    if (recent.length) return;
    const [row] = await tx.query<{ status: SlaSubject['status']; event_count: number }[]>(
      'SELECT status, event_count FROM alerts WHERE id = $1',
      [alertId],
    );
    await appendTimeline(tx, {
      alertId,
      actorId: null,
      actorName: SYSTEM,
      action: 'correlate',
      fromStatus: row.status,
      toStatus: row.status,
      note: `重复事件已合并，累计 ${row.event_count} 次 (repeated events merged)`,
      data: { eventId: event.id, eventCount: row.event_count },
    });
  }

  private async subjectOf(event: RawEvent): Promise<Subject> {
    if (event.cameraId) {
      const [c] = await this.db.query<
        { region_id: string; region_path: string; name: string; lon: number; lat: number }[]
      >('SELECT region_id, region_path, name, lon, lat FROM cameras WHERE id = $1', [event.cameraId]);
      if (!c) throw new UnrecoverableError(`cameraId: camera ${event.cameraId} is not registered`);
      return { regionId: c.region_id, regionPath: c.region_path, name: c.name, lon: c.lon, lat: c.lat };
    }
    if (event.checkpointId) {
      const [c] = await this.db.query<
        { region_id: string; region_path: string; name: string; lon: number; lat: number }[]
      >('SELECT region_id, region_path, name, lon, lat FROM checkpoints WHERE id = $1', [event.checkpointId]);
      if (!c)
        throw new UnrecoverableError(`checkpointId: checkpoint ${event.checkpointId} is not registered`);
      return { regionId: c.region_id, regionPath: c.region_path, name: c.name, lon: c.lon, lat: c.lat };
    }
    const [r] = await this.db.query<{ id: string; path: string; name: string; lon: number; lat: number }[]>(
      'SELECT id, path, name, lon, lat FROM regions WHERE id = $1',
      [event.regionId],
    );
    if (!r) throw new UnrecoverableError(`regionId: region ${event.regionId} does not exist`);
    return { regionId: r.id, regionPath: r.path, name: r.name, lon: null, lat: null };
  }

  private async isMuted(tx: EntityManager, event: RawEvent): Promise<boolean> {
    if (!event.cameraId && !event.checkpointId) return false;
    const rows = await tx.query<unknown[]>(
      `SELECT 1 FROM alert_mutes
        WHERE cancelled_at IS NULL AND starts_at <= now() AND ends_at > now()
          AND (alert_type IS NULL OR alert_type = $3)
          AND ((camera_id IS NOT NULL AND camera_id = $1) OR (checkpoint_id IS NOT NULL AND checkpoint_id = $2))
        LIMIT 1`,
      [event.cameraId ?? null, event.checkpointId ?? null, event.type],
    );
    return rows.length > 0;
  }

  private async createAlert(
    tx: EntityManager,
    event: RawEvent,
    key: string,
    subject: Subject,
    priority: string,
    policy: StageSeconds | null,
  ): Promise<SlaSubject> {
    const now = new Date();
    const deadlines = policy ? computeDeadlines(now, policy) : {};
    const raisedBy = event.attributes?.raisedById;
    const [row] = await tx.query<{ id: string; number: string }[]>(
      `INSERT INTO alerts (number, type, source, priority, status, title, description, region_id, region_path,
                           origin_region_id, camera_id, checkpoint_id, lon, lat, correlation_key, event_count,
                           first_seen_at, last_seen_at, deadlines, created_by_id, version, created_at, updated_at)
       VALUES (to_char($16::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
                 lpad(nextval('alert_number_seq')::text, 6, '0'),
               $1, $2, $3, 'NEW', $4, $5, $6, $7, $6, $8, $9, $10, $11, $12, 1, $13, $13, $14, $15, 1, $16, $16)
       RETURNING id, number`,
      [
        event.type,
        event.source,
        priority,
        (event.title ?? `${TYPE_TITLE[event.type]} · ${subject.name}`).slice(0, 200),
        event.description ?? '',
        subject.regionId,
        subject.regionPath,
        event.cameraId ?? null,
        event.checkpointId ?? null,
        event.location?.lon ?? subject.lon,
        event.location?.lat ?? subject.lat,
        key,
        event.occurredAt,
        JSON.stringify(deadlines),
        typeof raisedBy === 'string' && /^[0-9a-f-]{36}$/i.test(raisedBy) ? raisedBy : null,
        now.toISOString(),
      ],
    );
    await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, row.id]);
    const actor = event.reporter ?? SYSTEM;
    await appendTimeline(tx, {
      alertId: row.id,
      actorId: null,
      actorName: actor,
      action: 'create',
      fromStatus: null,
      toStatus: 'NEW',
      note: `${event.source} event ${event.id}`,
      data: { eventId: event.id, source: event.source },
    });
    await recordAudit(tx, {
      actorId: null,
      actorName: actor.slice(0, 64),
      action: 'alert.create',
      targetType: 'alert',
      targetId: row.id,
      regionId: subject.regionId,
      detail: { number: row.number, eventId: event.id, type: event.type, priority },
    });
    return {
      id: row.id,
      deadlines,
      status: 'NEW',
      acknowledgedAt: null,
      dispatchedAt: null,
      acceptedAt: null,
      arrivedAt: null,
      resolvedAt: null,
    };
  }

  /** The camera is back: its open offline alert resolves itself, saying so on the timeline. */
  private async resolveOutage(
    tx: EntityManager,
    event: RawEvent,
    key: string,
  ): Promise<{ alertId: string; change: PendingAlertChange; sla: SlaSubject } | null> {
    const offlineKey = key; // same source + camera + type (camera_offline or recording_stopped)
    const recording = event.type === 'recording_stopped';
    const [open] = await tx.query<{ id: string; status: string; region_id: string }[]>(
      `SELECT id, status, region_id FROM alerts WHERE correlation_key = $1 AND status = ANY($2)
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [offlineKey, OPEN],
    );
    if (!open) return null;
    const [updated] = await tx.query<
      [
        {
          deadlines: SlaSubject['deadlines'];
          acknowledged_at: Date | null;
          dispatched_at: Date | null;
          accepted_at: Date | null;
          arrived_at: Date | null;
          resolved_at: Date | null;
        }[],
        number,
      ]
    >(
      `UPDATE alerts SET status = 'RESOLVED', resolved_at = now(), outcome = $2, last_seen_at = GREATEST(last_seen_at, $3::timestamptz),
              version = version + 1, updated_at = now()
        WHERE id = $1
        RETURNING deadlines, acknowledged_at, dispatched_at, accepted_at, arrived_at, resolved_at`,
      [open.id, recording ? '录像已恢复，系统自动办结' : '摄像机已恢复在线，系统自动办结', event.occurredAt],
    );
    await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, open.id]);
    await appendTimeline(tx, {
      alertId: open.id,
      actorId: null,
      actorName: SYSTEM,
      action: 'auto-resolve',
      fromStatus: open.status as SlaSubject['status'],
      toStatus: 'RESOLVED',
      note: recording
        ? '录像已恢复，告警自动办结 (recording resumed)'
        : '摄像机已恢复在线，告警自动办结 (camera back online)',
      data: { eventId: event.id },
    });
    await recordAudit(tx, {
      actorId: null,
      actorName: SYSTEM,
      action: 'alert.auto-resolve',
      targetType: 'alert',
      targetId: open.id,
      regionId: open.region_id,
      detail: { eventId: event.id },
    });
    const change = await recordAlertChange(tx, 'alert.updated', open.id);
    const u = updated[0];
    return {
      alertId: open.id,
      change,
      sla: {
        id: open.id,
        status: 'RESOLVED',
        deadlines: u.deadlines,
        acknowledgedAt: u.acknowledged_at,
        dispatchedAt: u.dispatched_at,
        acceptedAt: u.accepted_at,
        arrivedAt: u.arrived_at,
        resolvedAt: u.resolved_at,
      },
    };
  }
}
