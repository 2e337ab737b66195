import type { Queue } from 'bullmq';
import type { AlertOverdueMessage, SlaStage } from '@xueliang/contracts';
import { publishToRegionPath, type RegionRooms, type SlaCheckJob, type SocketEmitter } from '@xueliang/queue';
import {
  cancelSettledSlaChecks,
  publishAlertChanges,
  rescheduleSlaChecks,
  scheduleSlaChecks,
  scheduleSlaChecksOfMany,
  type Deadlines,
  type PendingAlertChange,
  type StageTimes,
} from '@xueliang/alerts';

export type SlaSubject = StageTimes & { id: string; deadlines: Deadlines; overdueStages?: SlaStage[] };

/**
 * What happens after an alert change commits: the socket push and the SLA timers. One adapter
 * so the intake and SLA logic never touch socket.io or BullMQ, and tests can watch the calls.
 */
export interface AlertEffects {
  publish(changes: PendingAlertChange[]): Promise<void>;
  publishOverdue(originPath: string, message: AlertOverdueMessage): Promise<void>;
  scheduleSla(alert: SlaSubject): Promise<void>;
  /** scheduleSla for the new alerts of one intake batch, in one round trip. */
  scheduleSlaOfMany(alerts: SlaSubject[]): Promise<void>;
  /** scheduleSla that also replaces checks that finished without marking the stage (boot). */
  rescheduleSla(alert: SlaSubject): Promise<void>;
  cancelSettledSla(alert: SlaSubject): Promise<void>;
}

export class RedisAlertEffects implements AlertEffects {
  constructor(
    private readonly emitter: SocketEmitter,
    private readonly rooms: RegionRooms,
    private readonly sla: Queue<SlaCheckJob>,
  ) {}

  publish(changes: PendingAlertChange[]): Promise<void> {
    return publishAlertChanges(this.emitter, this.rooms, changes);
  }

  publishOverdue(originPath: string, message: AlertOverdueMessage): Promise<void> {
    return publishToRegionPath(this.emitter, this.rooms, originPath, 'alert.overdue', message);
  }

  async scheduleSla(alert: SlaSubject): Promise<void> {
    await scheduleSlaChecks(this.sla, owedOnly(alert));
  }

  async scheduleSlaOfMany(alerts: SlaSubject[]): Promise<void> {
    await scheduleSlaChecksOfMany(this.sla, alerts.map(owedOnly));
  }

  async rescheduleSla(alert: SlaSubject): Promise<void> {
    await rescheduleSlaChecks(this.sla, owedOnly(alert));
  }

  cancelSettledSla(alert: SlaSubject): Promise<void> {
    return cancelSettledSlaChecks(this.sla, alert);
  }
}

/** The deadlines of stages not yet marked overdue: a marked stage needs no more checks. */
function owedOnly(alert: SlaSubject): SlaSubject {
  if (!alert.overdueStages?.length) return alert;
  return {
    ...alert,
    deadlines: Object.fromEntries(
      Object.entries(alert.deadlines).filter(([s]) => !alert.overdueStages!.includes(s as SlaStage)),
    ),
  };
}
