import type { Queue } from 'bullmq';
import type { AlertOverdueMessage, SlaStage } from '@xueliang/contracts';
import { publishToRegionPath, type RegionRooms, type SlaCheckJob, type SocketEmitter } from '@xueliang/queue';
import {
  cancelSettledSlaChecks,
  publishAlertChanges,
  scheduleSlaChecks,
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
    const owed = alert.overdueStages?.length
      ? {
          ...alert,
          deadlines: Object.fromEntries(
            Object.entries(alert.deadlines).filter(([s]) => !alert.overdueStages!.includes(s as SlaStage)),
          ),
        }
      : alert;
    await scheduleSlaChecks(this.sla, owed);
  }

  cancelSettledSla(alert: SlaSubject): Promise<void> {
    return cancelSettledSlaChecks(this.sla, alert);
  }
}
