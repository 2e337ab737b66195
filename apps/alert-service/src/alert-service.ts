import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { createDataSource, regionIdsOnPath } from '@xueliang/db';
import { collectProcessMetrics, createRedis, metricsRegistry } from '@xueliang/platform';
import { createSocketEmitter, QUEUES, RegionRooms, slaQueue, type SlaCheckJob } from '@xueliang/queue';
import { RedisAlertEffects } from './alert-effects';
import { createStatusServer } from './http/status-server';
import { jobDispatchers } from './job-handlers';
import type { IntakeProfileSnapshot } from './intake/intake-profile';
import { MicroBatcher } from './intake/micro-batcher';
import { RawEventIntake } from './intake/raw-event-intake';
import { OutageGate } from './outage-gate';
import { processThroughOutages } from './process-through-outages';
import { SlaMonitor } from './sla/sla-monitor';

export interface AlertServiceOptions {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** 0 picks a free port (tests); undefined serves no status routes. */
  port?: number;
  /**
   * Intake batches in flight at once (ALERT_WORKER_CONCURRENCY, default 2): each is one
   * transaction holding up to `batchSize` events. The worker holds concurrency × batchSize jobs.
   */
  concurrency?: number;
  /** Most events per intake transaction (default 50). 1 is the one-event-per-transaction intake. */
  batchSize?: number;
  /**
   * How long a job stays locked to a worker that stopped answering before another takes it
   * over (BullMQ lockDuration and stalled-check interval; default 30 s).
   */
  lockMs?: number;
  /** METRICS_TOKEN: /metrics wants it as a bearer token; empty or absent, only loopback may read. */
  metricsToken?: string;
  /**
   * How often the database is swept for deadlines that passed without being marked (the
   * guarantee behind the delayed SLA jobs; default 30 s). A deadline fires at most this long
   * after the database answers again, whatever happened to the queue.
   */
  slaSweepMs?: number;
  log?: (message: string) => void;
}

const eventsTotal = new Counter({
  name: 'xl_alert_events_total',
  help: 'Raw events handled by the alert-service, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
const slaTotal = new Counter({
  name: 'xl_alert_sla_checks_total',
  help: 'SLA checks run, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
const eventSeconds = new Histogram({
  name: 'xl_alert_event_seconds',
  help: 'Time from a raw event job starting to its batch committing and publishing',
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [metricsRegistry],
});

/**
 * The alert-service process: a BullMQ worker on `events` (intake) and one on `sla` (deadline
 * checks), the socket.io Redis emitter, and /healthz /readyz /metrics. Stateless: any number
 * of them can share the queues.
 */
export class AlertService {
  private db!: DataSource;
  private redis!: Redis;
  private sla!: Queue<SlaCheckJob>;
  private workers: Worker[] = [];
  private server: Server | null = null;
  private gate: OutageGate | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();
  private intake: RawEventIntake | null = null;
  port: number | null = null;

  constructor(private readonly options: AlertServiceOptions) {}

  async start(): Promise<void> {
    const o = this.options;
    const log = o.log ?? (() => undefined);
    const concurrency = o.concurrency ?? 2;
    const batchSize = o.batchSize ?? 50;
    this.db = createDataSource({ url: o.databaseUrl, poolSize: concurrency + 4 });
    await this.db.initialize();
    this.redis = createRedis(o.redisUrl);
    this.sla = slaQueue(this.redis, o.redisPrefix);
    const effects = new RedisAlertEffects(
      createSocketEmitter(this.redis, o.redisPrefix),
      new RegionRooms((path) => regionIdsOnPath(this.db, path)),
      this.sla,
    );
    const intake = (this.intake = new RawEventIntake(this.db, effects));
    // BullMQ hands over one job at a time; the batcher turns the jobs held at once into batches.
    const batcher = new MicroBatcher((data: unknown[]) => intake.handleBatch(data), batchSize, concurrency);
    const monitor = new SlaMonitor(this.db, effects);

    // One handler per job type (JobPayloads); a missing one stops the boot here.
    const dispatch = jobDispatchers({
      'raw-event': async (job) => {
        const end = eventSeconds.startTimer();
        const result = await batcher.submit(job.data);
        end();
        eventsTotal.inc({ outcome: result.outcome });
        return result;
      },
      'sla-check': async (job) => {
        const outcome = await monitor.check(job.data);
        slaTotal.inc({ outcome });
        return outcome;
      },
    });

    const scheduled = await monitor.reconcile();
    log(`alert-service: reconciled SLA checks of ${scheduled} open alerts`);

    // One gate for both workers: while PostgreSQL is away every job waits here, none fails.
    const gate = (this.gate = new OutageGate(() => this.db.query('SELECT 1'), { log }));
    this.workers.push(
      new Worker(QUEUES.events, processThroughOutages(gate, dispatch[QUEUES.events]), {
        connection: createRedis(o.redisUrl),
        prefix: o.redisPrefix,
        concurrency: concurrency * batchSize,
        lockDuration: o.lockMs ?? 30_000,
        stalledInterval: o.lockMs ?? 30_000,
        // A Redis restart can outlast a lock; a job handed over a few times is not bad data.
        maxStalledCount: 10,
      }),
      new Worker(QUEUES.sla, processThroughOutages(gate, dispatch[QUEUES.sla]), {
        connection: createRedis(o.redisUrl),
        prefix: o.redisPrefix,
        concurrency: 4,
        maxStalledCount: 10,
      }),
    );
    for (const w of this.workers) {
      w.on('failed', (job, err) => log(`alert-service: job ${job?.id} failed: ${err.message}`));
      w.on('error', (err) => log(`alert-service: worker error: ${err.message}`));
    }

    this.scheduleSweep(monitor, o.slaSweepMs ?? 30_000, log);

    if (o.port !== undefined) {
      collectProcessMetrics(metricsRegistry);
      this.server = createStatusServer(
        {
          ready: async () => {
            await this.db.query('SELECT 1');
            await this.redis.ping();
          },
        },
        metricsRegistry,
        { metricsToken: o.metricsToken },
      );
      await new Promise<void>((resolve) => this.server!.listen(o.port, '0.0.0.0', resolve));
      this.port = (this.server.address() as AddressInfo).port;
      log(`alert-service listening on :${this.port}`);
    }
  }

  /** Milliseconds per intake step since the last reset (the bench's profile). */
  intakeProfile(reset = false): IntakeProfileSnapshot & { cache: { hits: number; misses: number } } {
    const profile = this.intake?.profile;
    const snapshot = profile?.snapshot() ?? { batches: 0, events: 0, maxBatch: 0, stepsMs: {} };
    const cache = { hits: this.intake?.cache.hits ?? 0, misses: this.intake?.cache.misses ?? 0 };
    if (reset && this.intake) {
      profile?.reset();
      this.intake.cache.hits = 0;
      this.intake.cache.misses = 0;
    }
    return { ...snapshot, cache };
  }

  /** The periodic deadline sweep (see SlaMonitor.sweep); one at a time, errors only logged. */
  private scheduleSweep(monitor: SlaMonitor, periodMs: number, log: (message: string) => void): void {
    const tick = async (): Promise<void> => {
      try {
        const fired = await monitor.sweep();
        for (const f of fired) slaTotal.inc({ outcome: f.outcome });
        const marked = fired.filter((f) => f.outcome === 'overdue' || f.outcome === 'escalated');
        if (marked.length)
          log(`alert-service: deadline sweep marked ${marked.length} missed deadlines overdue`);
      } catch (error) {
        // The database is away: the next sweep tries again; nothing is lost by waiting.
        log(`alert-service: deadline sweep failed: ${(error as Error).message}`);
      }
    };
    const next = (): void => {
      this.sweepTimer = setTimeout(() => {
        this.sweeping = tick().then(() => {
          if (this.sweepTimer) next();
        });
      }, periodMs);
    };
    next();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
    // Jobs held at a closed gate would never finish: leave them (their locks lapse and another
    // worker takes them over) rather than overrun the shutdown grace.
    const force = this.gate?.closed ?? false;
    this.gate?.stop();
    const log = this.options.log ?? (() => undefined);
    await Promise.all(
      this.workers.map((w) =>
        w
          .close(force)
          .catch((err: unknown) => log(`alert-service: worker close failed: ${(err as Error).message}`)),
      ),
    );
    this.workers = [];
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    // A connection Redis already dropped has nothing to close; shutdown goes on to the database.
    await this.sla?.close().catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
    if (this.db?.isInitialized) await this.db.destroy();
  }
}
