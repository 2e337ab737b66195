import { slaQueue } from '@xueliang/queue';
import { until } from '../support/wait';
import { expectedSeqs, RELIABILITY_POLICY, type EventLoad, type ReliabilityStack } from './harness';

/** What one fault run measured; docs/RELIABILITY.md quotes these. */
export interface FaultFigures {
  fault: string;
  outageSeconds: number;
  eventsOffered: number;
  /** Jobs waiting in the events queue when the service was killed. */
  backlogAtKill: number;
  /** Adds the producer had to repeat (Redis said no); same id, so at most once. */
  producerRetries: number;
  alertsCreated: number;
  eventsStored: number;
  eventsCounted: number;
  duplicates: number;
  lost: number;
  failedJobs: number;
  deadlinesFired: number;
  deadlinesDuringOutage: number;
  deadlinesUnfired: number;
  lateMaxSeconds: number;
  lateMaxDuringOutageSeconds: number;
  escalated: number;
  /** Why jobs failed, if any did (there should be none). */
  failedReasons: string[];
  lostPushes: Record<
    string,
    { expected: number; missedLive: number; missedAfterResync: number; committedOutOfOrder: number }
  >;
  consoleDisconnects: Record<string, number>;
}

export interface FaultPlan {
  fault: string;
  outageMs: number;
  /** Events added at once just before the kill, so a backlog sits in the queue. */
  backlog?: number;
  /** Steady load before the kill and after the restart (default 6 s each). */
  steadyMs?: number;
  rate?: number;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The sweep period the harness runs the alert-service with (SLA_SWEEP_SECONDS). */
const SWEEP_SECONDS = 2;

/**
 * Steady load → (backlog) → kill → outage → restart → steady load → drain, then the figures
 * and the promises: every offered event counted exactly once, nothing parked as failed, every
 * deadline that passed marked overdue and escalated, late by at most the outage plus a sweep.
 */
export async function runFault(
  stack: ReliabilityStack,
  load: EventLoad,
  plan: FaultPlan,
): Promise<FaultFigures> {
  const steady = plan.steadyMs ?? 6000;
  const one = async (sql: string, params: unknown[] = []): Promise<number> => {
    const { rows } = await stack.pg.query<{ n: string | null }>(sql, params);
    return Number(rows[0].n ?? 0);
  };
  const before = await stack.figures();
  const seqBefore = await one('SELECT COALESCE(max(seq), 0) AS n FROM alert_changes');
  const timelineBefore = await one('SELECT COALESCE(max(id), 0) AS n FROM alert_timeline');
  const disconnectsBefore = new Map(stack.consoles.map((c) => [c.name, c.disconnects] as const));

  load.start(plan.rate ?? 20);
  await sleep(steady);
  let backlogAtKill = 0;
  if (plan.backlog) {
    load.burst(plan.backlog);
    await until('backlog accepted', () => load.accepted === load.offered, 60_000);
    backlogAtKill = (await stack.events.getJobCounts('waiting')).waiting;
  }
  const outageStart = new Date();
  await plan.kill();
  await sleep(plan.outageMs);
  await plan.restart();
  const outageEnd = new Date();
  await sleep(steady);
  await load.stop();

  const sla = slaQueue(stack.producer, stack.prefix);
  try {
    await until(
      'every offered event stored',
      async () => (await one('SELECT count(*) AS n FROM raw_events')) - before.rawEvents >= load.offered,
      180_000,
    ).catch(() => undefined);
    await until(
      'every intrusion deadline marked overdue',
      async () =>
        (await one(
          `SELECT count(*) AS n FROM alerts a CROSS JOIN LATERAL jsonb_each_text(a.deadlines) d
            WHERE a.type = $1 AND a.status = 'NEW' AND NOT (d.key = ANY(a.overdue_stages))`,
          [RELIABILITY_POLICY.type],
        )) === 0,
      60_000,
    ).catch(() => undefined);
    const expected = new Map<string, string[]>();
    for (const c of stack.consoles) {
      const all = await expectedSeqs(stack.pg, c.name === 'duty_t1' ? stack.where.t1.path : undefined);
      expected.set(
        c.name,
        all.filter((s) => Number(s) > seqBefore),
      );
    }
    // Pushes are fire-and-forget: give the last ones a moment to land before counting misses.
    await until(
      'last pushes delivered',
      () => stack.consoles.every((c) => c.missed(expected.get(c.name)!).afterResync === 0),
      5000,
    ).catch(() => undefined);

    const after = await stack.figures();
    const late = async (during: boolean): Promise<number> =>
      one(
        `SELECT COALESCE(max(extract(epoch FROM at - (data->>'deadline')::timestamptz)), 0) AS n
           FROM alert_timeline WHERE action = 'overdue' AND id > $1
           ${during ? `AND (data->>'deadline')::timestamptz BETWEEN $2 AND $3` : ''}`,
        during ? [timelineBefore, outageStart, outageEnd] : [timelineBefore],
      );
    const counted = after.counted - before.counted;
    const eventJobs = await stack.events.getJobCounts('failed');
    const slaJobs = await sla.getJobCounts('failed');
    const figures: FaultFigures = {
      fault: plan.fault,
      outageSeconds: Math.round((outageEnd.getTime() - outageStart.getTime()) / 100) / 10,
      eventsOffered: load.offered,
      backlogAtKill,
      producerRetries: load.retries,
      alertsCreated: after.alerts - before.alerts,
      eventsStored: after.rawEvents - before.rawEvents,
      eventsCounted: counted,
      duplicates: Math.max(0, counted - load.offered),
      lost: Math.max(0, load.offered - counted),
      failedJobs: eventJobs.failed + slaJobs.failed,
      failedReasons: [...(await stack.events.getFailed(0, 4)), ...(await sla.getFailed(0, 4))].map(
        (j) => `${j.id}: ${j.failedReason} (attempts ${j.attemptsMade})`,
      ),
      deadlinesFired: after.deadlinesFired - before.deadlinesFired,
      deadlinesDuringOutage: await one(
        `SELECT count(*) AS n FROM alert_timeline WHERE action = 'overdue' AND id > $1
            AND (data->>'deadline')::timestamptz BETWEEN $2 AND $3`,
        [timelineBefore, outageStart, outageEnd],
      ),
      deadlinesUnfired: after.deadlinesUnfired,
      lateMaxSeconds: Math.round((await late(false)) * 10) / 10,
      lateMaxDuringOutageSeconds: Math.round((await late(true)) * 10) / 10,
      escalated: after.escalated - before.escalated,
      lostPushes: Object.fromEntries(
        stack.consoles.map((c) => {
          const seqs = expected.get(c.name)!;
          const m = c.missed(seqs);
          return [
            c.name,
            {
              expected: seqs.length,
              missedLive: m.live,
              missedAfterResync: m.afterResync,
              committedOutOfOrder: m.outOfOrder,
            },
          ];
        }),
      ),
      consoleDisconnects: Object.fromEntries(
        stack.consoles.map((c) => [c.name, c.disconnects - disconnectsBefore.get(c.name)!]),
      ),
    };
    console.log(JSON.stringify({ fault: figures }));

    // Both apps rode the outage out: nothing had to restart them.
    for (const [name, app] of [
      ['api', stack.api],
      ['alert-service', stack.alertService],
    ] as const) {
      if (!app.alive) throw new Error(`${name} died during the fault:\n${app.output().slice(-4000)}`);
    }
    expect(figures.eventsStored).toBe(load.offered);
    expect(figures.eventsCounted).toBe(load.offered);
    expect(after.linked - before.linked).toBe(counted);
    expect(figures.failedJobs).toBe(0);
    expect(figures.deadlinesUnfired).toBe(0);
    expect(figures.deadlinesFired).toBeGreaterThan(0);
    expect(figures.escalated).toBe(figures.deadlinesFired);
    // Every console has every change, live or by the sync it makes on reconnecting, but for
    // the known hole of a change committed out of seq order whose push was lost (counted).
    for (const [name, pushes] of Object.entries(figures.lostPushes)) {
      const missed = pushes.missedAfterResync - pushes.committedOutOfOrder;
      expect({ console: name, missed }).toEqual({ console: name, missed: 0 });
    }
    // The promise, with room for a loaded CI machine: late by at most the outage plus a sweep.
    expect(figures.lateMaxSeconds).toBeLessThanOrEqual(plan.outageMs / 1000 + SWEEP_SECONDS + 15);
    return figures;
  } finally {
    await sla.close();
  }
}
