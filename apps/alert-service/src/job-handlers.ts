import { UnrecoverableError, type Job } from 'bullmq';
import {
  isJobName,
  JOB_QUEUES,
  QUEUES,
  type JobName,
  type JobPayloads,
  type QueueName,
} from '@xueliang/queue';

/** Handles one job of type N; its payload type comes from JobPayloads. */
export type JobHandler<N extends JobName> = (job: Job<JobPayloads[N]>) => Promise<unknown>;

/** One handler per job type, every type present: a new job in JobPayloads is a compile error here. */
export type JobHandlers = { readonly [N in JobName]: JobHandler<N> };

/** What a queue's worker runs: routes each job by name to its handler. */
export type QueueDispatcher = (job: Job<unknown>) => Promise<unknown>;

/**
 * Checks the handler map and returns one dispatcher per queue. Throws (the alert-service refuses
 * to boot) if any job type lacks a handler, the runtime half of what JobHandlers says to the
 * compiler. A job of an unknown name, or on a queue it does not belong to, fails once as
 * unrecoverable: no retry can make it handled.
 */
export function jobDispatchers(handlers: JobHandlers): Record<QueueName, QueueDispatcher> {
  const missing = Object.keys(JOB_QUEUES).filter(
    (name) => typeof (handlers as Partial<Record<string, unknown>>)[name] !== 'function',
  );
  if (missing.length) throw new Error(`alert-service: no handler for job ${missing.join(', ')}`);
  const dispatcher =
    (queue: QueueName): QueueDispatcher =>
    async (job) => {
      if (!isJobName(job.name) || JOB_QUEUES[job.name] !== queue) {
        throw new UnrecoverableError(`no handler for job ${job.name} on queue ${queue}`);
      }
      // The name was checked against JobPayloads: the payload is that job's (each handler still
      // validates what it reads).
      const handle = handlers[job.name] as (job: Job<unknown>) => Promise<unknown>;
      return handle(job);
    };
  return { [QUEUES.events]: dispatcher(QUEUES.events), [QUEUES.sla]: dispatcher(QUEUES.sla) };
}
