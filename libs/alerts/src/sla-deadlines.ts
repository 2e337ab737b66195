import type { Queue } from 'bullmq';
import { SLA_STAGES, type AlertStatus, type SlaStage } from '@xueliang/contracts';
import { slaJobId, type SlaCheckJob } from '@xueliang/queue';

/** Seconds per stage from an SLA policy; null means the stage has no deadline. */
export interface StageSeconds {
  acknowledgeSeconds: number | null;
  dispatchSeconds: number | null;
  acceptSeconds: number | null;
  arriveSeconds: number | null;
  resolveSeconds: number | null;
}

export type Deadlines = Partial<Record<SlaStage, string>>;

const SECONDS_FIELD: Record<SlaStage, keyof StageSeconds> = {
  acknowledge: 'acknowledgeSeconds',
  dispatch: 'dispatchSeconds',
  accept: 'acceptSeconds',
  arrive: 'arriveSeconds',
  resolve: 'resolveSeconds',
};

/** Every deadline counts from the alert's creation (the policy's seconds are not cumulative per stage). */
export function computeDeadlines(createdAt: Date, policy: StageSeconds): Deadlines {
  const out: Deadlines = {};
  for (const stage of SLA_STAGES) {
    const seconds = policy[SECONDS_FIELD[stage]];
    if (seconds === null || seconds === undefined || seconds <= 0) continue;
    out[stage] = new Date(createdAt.getTime() + seconds * 1000).toISOString();
  }
  return out;
}

/** The times an alert reached each stage; a stage is met once its time is set. */
export interface StageTimes {
  status: AlertStatus;
  acknowledgedAt: Date | null;
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  arrivedAt: Date | null;
  resolvedAt: Date | null;
}

const STAGE_TIME: Record<SlaStage, keyof Omit<StageTimes, 'status'>> = {
  acknowledge: 'acknowledgedAt',
  dispatch: 'dispatchedAt',
  accept: 'acceptedAt',
  arrive: 'arrivedAt',
  resolve: 'resolvedAt',
};

/**
 * True when the stage no longer needs watching: it was reached, or the alert left the loop
 * (resolved, closed or dismissed), after which no later stage can be owed.
 */
export function stageSettled(alert: StageTimes, stage: SlaStage): boolean {
  if (alert[STAGE_TIME[stage]] !== null) return true;
  return alert.status === 'RESOLVED' || alert.status === 'CLOSED' || alert.status === 'DISMISSED';
}

/** Stages whose deadline has passed at `now` and that are still owed. */
export function overdueAt(alert: StageTimes, deadlines: Deadlines, now: Date): SlaStage[] {
  return SLA_STAGES.filter((s) => {
    const due = deadlines[s];
    return due !== undefined && Date.parse(due) <= now.getTime() && !stageSettled(alert, s);
  });
}

/** Milliseconds from `now` until the deadline, never negative (a missed check runs at once). */
export function delayUntil(deadline: string, now: Date): number {
  return Math.max(0, Date.parse(deadline) - now.getTime());
}

/** Schedules a check at every deadline still owed. Deadlines live in Redis, so they survive restarts. */
export async function scheduleSlaChecks(
  queue: Queue<SlaCheckJob>,
  alert: StageTimes & { id: string; deadlines: Deadlines },
  now = new Date(),
): Promise<void> {
  await scheduleSlaChecksOfMany(queue, [alert], now);
}

/** scheduleSlaChecks for many alerts in one round trip (the intake's batches). */
export async function scheduleSlaChecksOfMany(
  queue: Queue<SlaCheckJob>,
  alerts: (StageTimes & { id: string; deadlines: Deadlines })[],
  now = new Date(),
): Promise<void> {
  const jobs = alerts.flatMap((alert) => slaJobsOf(alert, now));
  // One round trip for all stages; an id that exists already is left as it is.
  if (jobs.length) await queue.addBulk(jobs);
}

function slaJobsOf(
  alert: StageTimes & { id: string; deadlines: Deadlines },
  now: Date,
): { name: string; data: SlaCheckJob; opts: { jobId: string; delay: number } }[] {
  return SLA_STAGES.flatMap((stage) => {
    const due = alert.deadlines[stage];
    if (!due || stageSettled(alert, stage)) return [];
    return [
      {
        name: 'sla-check',
        data: { alertId: alert.id, stage },
        opts: { jobId: slaJobId(alert.id, stage), delay: delayUntil(due, now) },
      },
    ];
  });
}

/**
 * Like scheduleSlaChecks, but first removes a finished (failed or completed) check of a stage
 * that is still owed: its id would otherwise make the new add a no-op, and the deadline would
 * never be checked again (a check that failed through an outage, or woke early and completed).
 */
export async function rescheduleSlaChecks(
  queue: Queue<SlaCheckJob>,
  alert: StageTimes & { id: string; deadlines: Deadlines },
  now = new Date(),
): Promise<void> {
  for (const stage of SLA_STAGES) {
    if (!alert.deadlines[stage] || stageSettled(alert, stage)) continue;
    const id = slaJobId(alert.id, stage);
    const state = await queue.getJobState(id);
    if (state === 'failed' || state === 'completed') await queue.remove(id);
  }
  await scheduleSlaChecks(queue, alert, now);
}

/** Removes the checks of settled stages (a met stage needs no timer). Missing jobs are fine. */
export async function cancelSettledSlaChecks(
  queue: Queue<SlaCheckJob>,
  alert: StageTimes & { id: string },
): Promise<void> {
  for (const stage of SLA_STAGES) {
    if (!stageSettled(alert, stage)) continue;
    await queue.remove(slaJobId(alert.id, stage)).catch(() => 0);
  }
}
