import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RawEvent } from '@xueliang/contracts';
import { QUEUES, type QueueName, RECORDING_EXPORTS_QUEUE, type RecordingExportJob } from './queues';
import type { SlaCheckJob } from './sla';

export * from './queues';
export * from './sla';
export * from './transient-failure';
export * from './socket-emitter';

/** Job names and their payloads, one handler each (the alert-service's JobHandlers). */
export interface JobPayloads {
  'raw-event': RawEvent;
  'sla-check': SlaCheckJob;
}
export type JobName = keyof JobPayloads;

/** The queue each job is added to; also the list of every job type a consumer must handle. */
export const JOB_QUEUES: { readonly [N in JobName]: QueueName } = {
  'raw-event': QUEUES.events,
  'sla-check': QUEUES.sla,
};

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_QUEUES, name);
}

/** BullMQ uses ':' as its key separator and rejects it in custom job ids, so keys are mapped. */
export function jobIdFor(key: string): string {
  return key.replace(/:/g, '|');
}

/** Every queue of one deployment shares REDIS_PREFIX, so test runs and stacks never meet. */
export function eventsQueue(connection: Redis, prefix: string): Queue<RawEvent> {
  return new Queue<RawEvent>(QUEUES.events, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 3600, count: 10_000 },
      // Failed jobs stay for inspection and retry from the admin endpoint.
      removeOnFail: false,
    },
  });
}

/** Adds a RawEvent with its idempotency key as job id: adding the same event twice is a no-op. */
export async function enqueueRawEvent(queue: Queue<RawEvent>, event: RawEvent): Promise<void> {
  await queue.add('raw-event' satisfies JobName, event, { jobId: jobIdFor(event.id) });
}

/**
 * The evidence export queue (run by camera-gateways). One attempt: an export that failed (a
 * segment altered, a file gone) fails the same way again; the failed job stays for inspection
 * and the row says why. Finished jobs go after a day (the row is the record).
 */
export function recordingExportsQueue(connection: Redis, prefix: string): Queue<RecordingExportJob> {
  return new Queue<RecordingExportJob>(RECORDING_EXPORTS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: false },
  });
}
