import { UnrecoverableError, type Job } from 'bullmq';
import type { RawEvent } from '@xueliang/contracts';
import { QUEUES, type SlaCheckJob } from '@xueliang/queue';
import { jobDispatchers, type JobHandlers } from './job-handlers';

/** Just what a dispatcher reads of a BullMQ job. */
function job(name: string, data: unknown): Job<unknown> {
  return { name, data } as Job<unknown>;
}

describe('jobDispatchers', () => {
  const seen: string[] = [];
  const handlers: JobHandlers = {
    'raw-event': async (j: Job<RawEvent>) => {
      seen.push(`raw-event ${j.data.id}`);
      return 'intake';
    },
    'sla-check': async (j: Job<SlaCheckJob>) => {
      seen.push(`sla-check ${j.data.alertId}/${j.data.stage}`);
      return 'sla';
    },
  };

  beforeEach(() => {
    seen.length = 0;
  });

  it.each(['raw-event', 'sla-check'] as const)('refuses to boot without a handler for %s', (name) => {
    const partial: Partial<JobHandlers> = { ...handlers };
    delete partial[name];
    expect(() => jobDispatchers(partial as JobHandlers)).toThrow(`no handler for job ${name}`);
  });

  it("sends each job to its type's handler, on its own queue", async () => {
    const dispatch = jobDispatchers(handlers);
    await expect(dispatch[QUEUES.events](job('raw-event', { id: 'gw:cam-1:motion:1' }))).resolves.toBe(
      'intake',
    );
    await expect(dispatch[QUEUES.sla](job('sla-check', { alertId: 'a1', stage: 'ack' }))).resolves.toBe(
      'sla',
    );
    expect(seen).toEqual(['raw-event gw:cam-1:motion:1', 'sla-check a1/ack']);
  });

  it.each([
    ['an unknown job', QUEUES.events, 'cleanup'],
    ['a job on a queue it does not belong to', QUEUES.sla, 'raw-event'],
    ['a name inherited from Object', QUEUES.events, 'toString'],
  ])('fails %s once, unrecoverable, handling nothing', async (_, queue, name) => {
    const dispatch = jobDispatchers(handlers);
    const run = (): Promise<unknown> => dispatch[queue](job(name, {}));
    await expect(run).rejects.toThrow(UnrecoverableError);
    await expect(run).rejects.toThrow(`no handler for job ${name} on queue ${queue}`);
    expect(seen).toEqual([]);
  });
});
