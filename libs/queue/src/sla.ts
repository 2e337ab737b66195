import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SlaStage } from '@xueliang/contracts';
import { QUEUES } from './queues';

export interface SlaCheckJob {
  alertId: string;
  stage: SlaStage;
}

/** `${alertId}|${stage}`: one delayed check per alert and stage; adding it again is a no-op. */
export function slaJobId(alertId: string, stage: SlaStage): string {
  return `${alertId}|${stage}`;
}

export function slaQueue(connection: Redis, prefix: string): Queue<SlaCheckJob> {
  return new Queue<SlaCheckJob>(QUEUES.sla, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: false,
    },
  });
}
