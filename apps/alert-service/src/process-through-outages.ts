import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { isTransientFailure } from '@xueliang/queue';
import type { OutageGate } from './outage-gate';

/** A job held back by an outage comes round again this soon; the gate does the real waiting. */
const REQUEUE_DELAY_MS = 1000;

/**
 * Wraps a job handler so that an outage never uses up a job's attempts: a transient failure
 * (database or Redis unreachable, deadlock, or any error while the database does not answer)
 * closes the gate and puts the job back as delayed without counting an attempt (BullMQ's moveToDelayed + DelayedError), to run again once the
 * gate reopens, however long that takes. Anything else is the job's own fault (bad data, a
 * row that cannot be stored): it fails once, unrecoverable, and is kept for an admin.
 */
export function processThroughOutages<T, R>(
  gate: OutageGate,
  handle: (job: Job<T>) => Promise<R>,
): (job: Job<T>, token?: string) => Promise<R> {
  return async (job, token) => {
    await gate.whenOpen();
    try {
      return await handle(job);
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      // Only a database that answers can call a job bad: an error we do not recognise while it
      // is away (a driver's wording we have not met) is the outage's, not the job's.
      if (!isTransientFailure(error) && (await gate.answers())) {
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      }
      void gate.close(error instanceof Error ? error.message : String(error));
      if (!token) throw error;
      try {
        await job.moveToDelayed(Date.now() + REQUEUE_DELAY_MS, token);
      } catch {
        // Redis is away too: the failure is recorded as an attempt when it can be, or the lock
        // lapses and the stalled-job check hands the job to a worker again.
        throw error;
      }
      throw new DelayedError();
    }
  };
}
