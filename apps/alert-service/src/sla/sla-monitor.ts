import type { DataSource } from 'typeorm';
import { OPEN_ALERT_STATUSES, SlaStageSchema, type AlertStatus, type SlaStage } from '@xueliang/contracts';
import { recordAudit } from '@xueliang/db';
import {
  appendTimeline,
  findParentRegion,
  recordAlertChange,
  stageSettled,
  type PendingAlertChange,
} from '@xueliang/alerts';
import { UnrecoverableError } from 'bullmq';
import type { AlertEffects, SlaSubject } from '../alert-effects';

interface AlertSlaRow {
  id: string;
  status: AlertStatus;
  region_id: string;
  region_path: string;
  type: string;
  priority: string;
  deadlines: Partial<Record<SlaStage, string>>;
  overdue_stages: SlaStage[];
  acknowledged_at: Date | null;
  dispatched_at: Date | null;
  accepted_at: Date | null;
  arrived_at: Date | null;
  resolved_at: Date | null;
}

export type SlaCheckOutcome = 'met' | 'overdue' | 'escalated' | 'gone' | 'early';

const SYSTEM = '系统';
const STAGE_NAME: Record<SlaStage, string> = {
  acknowledge: '受理',
  dispatch: '交办',
  accept: '签收',
  arrive: '到场',
  resolve: '处置',
};

function stageTimes(r: AlertSlaRow): SlaSubject {
  return {
    id: r.id,
    status: r.status,
    deadlines: r.deadlines,
    overdueStages: r.overdue_stages,
    acknowledgedAt: r.acknowledged_at,
    dispatchedAt: r.dispatched_at,
    acceptedAt: r.accepted_at,
    arrivedAt: r.arrived_at,
    resolvedAt: r.resolved_at,
  };
}

/**
 * Runs at a stage's deadline: if the stage is still owed the alert is marked overdue, the
 * region's supervisors are told (alert.updated + alert.overdue), and when the policy says so
 * the alert moves up to the parent region, whose officers then own it.
 */
export class SlaMonitor {
  constructor(
    private readonly db: DataSource,
    private readonly effects: AlertEffects,
  ) {}

  async check(data: { alertId?: unknown; stage?: unknown }): Promise<SlaCheckOutcome> {
    const stage = SlaStageSchema.safeParse(data.stage);
    if (typeof data.alertId !== 'string' || !stage.success) {
      throw new UnrecoverableError('invalid sla-check job: needs alertId and a stage');
    }
    let changes: PendingAlertChange[] = [];
    let overdue: { escalated: boolean } | null = null;
    const outcome = await this.db.transaction(async (tx): Promise<SlaCheckOutcome> => {
      const [alert] = await tx.query<AlertSlaRow[]>(`SELECT * FROM alerts WHERE id = $1 FOR UPDATE`, [
        data.alertId,
      ]);
      if (!alert) return 'gone';
      const s = stage.data;
      if (stageSettled(stageTimes(alert), s) || alert.overdue_stages.includes(s)) return 'met';
      const due = alert.deadlines[s];
      // A policy edit cannot move an alert's deadlines, but a job may wake a moment early.
      if (!due || Date.parse(due) > Date.now() + 1000) return 'early';

      const [policy] = await tx.query<{ escalate: boolean }[]>(
        'SELECT escalate FROM sla_policies WHERE alert_type = $1 AND priority = $2',
        [alert.type, alert.priority],
      );
      const parent = policy?.escalate ? await findParentRegion(tx, alert.region_id) : null;

      await tx.query(
        `UPDATE alerts SET overdue_stages = array_append(overdue_stages, $2), version = version + 1, updated_at = now()
           ${parent ? ', region_id = $3, region_path = $4, escalation_level = escalation_level + 1' : ''}
          WHERE id = $1`,
        parent ? [alert.id, s, parent.id, parent.path] : [alert.id, s],
      );
      await appendTimeline(tx, {
        alertId: alert.id,
        actorId: null,
        actorName: SYSTEM,
        action: 'overdue',
        fromStatus: alert.status,
        toStatus: alert.status,
        note: `${STAGE_NAME[s]}超时 (${s} deadline ${due} passed)`,
        data: { stage: s, deadline: due },
      });
      await recordAudit(tx, {
        actorId: null,
        actorName: SYSTEM,
        action: 'alert.overdue',
        targetType: 'alert',
        targetId: alert.id,
        regionId: alert.region_id,
        detail: { stage: s, deadline: due },
      });
      if (parent) {
        await appendTimeline(tx, {
          alertId: alert.id,
          actorId: null,
          actorName: SYSTEM,
          action: 'escalate',
          fromStatus: alert.status,
          toStatus: alert.status,
          note: `${STAGE_NAME[s]}超时，自动上报至${parent.name}`,
          data: { stage: s, fromRegionId: alert.region_id, toRegionId: parent.id, automatic: true },
        });
        await recordAudit(tx, {
          actorId: null,
          actorName: SYSTEM,
          action: 'alert.escalate',
          targetType: 'alert',
          targetId: alert.id,
          regionId: parent.id,
          detail: { stage: s, fromRegionId: alert.region_id, automatic: true },
        });
      }
      changes = [await recordAlertChange(tx, 'alert.updated', alert.id)];
      overdue = { escalated: Boolean(parent) };
      return parent ? 'escalated' : 'overdue';
    });
    await this.effects.publish(changes);
    const done = overdue as { escalated: boolean } | null;
    if (done && changes[0]) {
      const c = changes[0];
      await this.effects.publishOverdue(c.originPath, {
        seq: c.message.seq,
        stage: stage.data,
        escalated: done.escalated,
        alert: c.message.alert,
      });
    }
    return outcome;
  }

  /**
   * On boot: every open alert gets its pending checks back. Adding a job whose id exists is a
   * no-op, so this fills in what a lost Redis or a crash between commit and schedule dropped,
   * and replaces checks that finished without marking their stage (failed through an outage).
   */
  async reconcile(): Promise<number> {
    const rows = await this.db.query<AlertSlaRow[]>(
      `SELECT * FROM alerts WHERE status = ANY($1) AND deadlines <> '{}'::jsonb`,
      [OPEN_ALERT_STATUSES as readonly string[]],
    );
    for (const row of rows) await this.effects.rescheduleSla(stageTimes(row));
    return rows.length;
  }

  /**
   * The guarantee behind the delayed jobs: finds, in the database itself, open alerts with a
   * stage whose deadline passed more than `graceSeconds` ago and is neither met nor marked
   * overdue, and checks each. Whatever happened to the queue (jobs failed, removed, lost with
   * Redis), a deadline fires within one sweep period of the database answering again. A check
   * is idempotent (row lock + overdue mark), so a sweep racing the job, or another
   * alert-service's sweep, changes nothing twice.
   */
  async sweep(
    graceSeconds = 2,
    limit = 500,
  ): Promise<{ alertId: string; stage: SlaStage; outcome: SlaCheckOutcome }[]> {
    const due = await this.db.query<{ alertId: string; stage: SlaStage }[]>(
      `SELECT a.id AS "alertId", d.key AS stage
         FROM alerts a CROSS JOIN LATERAL jsonb_each_text(a.deadlines) d
        WHERE a.status = ANY($1)
          AND d.value::timestamptz <= now() - make_interval(secs => $2)
          AND NOT (d.key = ANY(a.overdue_stages))
          AND (CASE d.key WHEN 'acknowledge' THEN a.acknowledged_at WHEN 'dispatch' THEN a.dispatched_at
                          WHEN 'accept' THEN a.accepted_at WHEN 'arrive' THEN a.arrived_at
                          WHEN 'resolve' THEN a.resolved_at END) IS NULL
        ORDER BY d.value::timestamptz
        LIMIT $3`,
      [OPEN_ALERT_STATUSES as readonly string[], graceSeconds, limit],
    );
    const fired: { alertId: string; stage: SlaStage; outcome: SlaCheckOutcome }[] = [];
    for (const d of due) fired.push({ ...d, outcome: await this.check(d) });
    return fired;
  }
}
