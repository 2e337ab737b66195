import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createLinePrefixer, LineSink, stdoutSink } from './log-stream';
import { isProcessAlive, sleep, stopProcessGroup } from '@xueliang/platform';
import { ensureDir, ExecutableLookup, whichOnPath } from './paths';
import { findFreePort, isPortFree } from './ports';

const PREFERRED_REDIS_PORT = 6380;

/** No REDIS_URL and no redis-server: the launcher prints this and exits non-zero. */
export class RedisUnavailableError extends Error {
  constructor() {
    super(
      [
        'Redis is required, REDIS_URL is not set and no redis-server was found on PATH.',
        'Either install Redis so the launcher can start a private one:',
        '  Debian/Ubuntu:  sudo apt-get install redis-server',
        '  macOS:          brew install redis',
        'or point the stack at a running Redis:',
        '  REDIS_URL=redis://127.0.0.1:6379 npm start',
      ].join('\n'),
    );
  }
}

export interface RedisHandle {
  url: string;
  /** Started by us (false: REDIS_URL given). */
  private: boolean;
  pid?: number;
  stop(): Promise<void>;
  /** Immediate kill (second Ctrl-C). */
  kill(): void;
  /** A private server only: resolves when the running redis-server exits (see ServiceWatchdog). */
  exited?(): Promise<string>;
  /** A private server only: starts it again on the same port, with the same files. */
  restart?(): Promise<void>;
}

export interface ResolveRedisOptions {
  env?: NodeJS.ProcessEnv;
  varDir: string;
  which?: ExecutableLookup;
  sink?: LineSink;
  colour?: boolean;
  readyTimeoutMs?: number;
  /** requirepass of a private redis-server (var/secrets.json). */
  password: string;
}

/** REDIS_URL when set; else a private redis-server from PATH; else RedisUnavailableError. */
export async function resolveRedis(options: ResolveRedisOptions): Promise<RedisHandle> {
  const env = options.env ?? process.env;
  if (env.REDIS_URL) {
    return { url: env.REDIS_URL, private: false, stop: async () => undefined, kill: () => undefined };
  }
  const which = options.which ?? whichOnPath(env.PATH);
  const binary = which('redis-server');
  if (!binary) throw new RedisUnavailableError();
  return startPrivateRedis({ ...options, binary });
}

export interface PrivateRedisOptions {
  binary: string;
  varDir: string;
  port?: number;
  sink?: LineSink;
  colour?: boolean;
  readyTimeoutMs?: number;
  /** Clients must AUTH with it; it reaches the apps only inside REDIS_URL. */
  password: string;
}

/**
 * A redis-server of our own: bound to 127.0.0.1 on a free port, a password (requirepass),
 * append-only file in var/redis so queues survive a restart, no RDB snapshots, in its own
 * process group. Queue payloads and user names are in its files, so the folder is 0700 and
 * every file in it 0600 (redis runs with umask 077; files an older launcher left are chmodded).
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<RedisHandle> {
  const dir = ensureDir(join(options.varDir, 'redis'), 0o700);
  restrictTree(dir);
  const pidFile = join(dir, 'redis.pid');
  await stopStaleRedis(pidFile);
  if (options.port !== undefined) return restartable(await startRedisOn(options, options.port, dir, pidFile));
  // Another program may take the free port between our check and redis binding it.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort(PREFERRED_REDIS_PORT + (attempt - 1) * 7);
    try {
      return restartable(await startRedisOn(options, port, dir, pidFile));
    } catch (error) {
      if (attempt >= 3 || (await isPortFree(port))) throw error;
    }
  }

  /** The handle follows the server running now, so the launcher's stop() reaches a restarted one. */
  function restartable(first: RunningRedis): RedisHandle {
    let current = first;
    const port = Number(new URL(first.url).port);
    return {
      url: first.url,
      private: true,
      get pid() {
        return current.pid;
      },
      stop: () => current.stop(),
      kill: () => current.kill(),
      exited: () => current.exited,
      restart: async () => {
        current = await startRedisOn(options, port, dir, pidFile);
      },
    };
  }
}

/** One redis-server process: its handle and how it ends. */
interface RunningRedis extends Omit<RedisHandle, 'exited' | 'restart'> {
  exited: Promise<string>;
}

async function startRedisOn(
  options: PrivateRedisOptions,
  port: number,
  dir: string,
  pidFile: string,
): Promise<RunningRedis> {
  const sink = options.sink ?? stdoutSink;
  const out = createLinePrefixer('redis', sink, { colour: options.colour, colourIndex: 9 });
  // The password goes in a 0600 file, not the command line, which every local user can read in ps.
  const configFile = join(dir, 'redis.conf');
  writeFileSync(configFile, redisConfig({ port, dir, pidFile, password: options.password }), { mode: 0o600 });
  chmodSync(configFile, 0o600);
  // umask 077 in the shell that execs redis-server: the AOF, its folder and the pid file it creates are private.
  const child: ChildProcess = spawn(
    '/bin/sh',
    ['-c', 'umask 077 && exec "$0" "$@"', options.binary, configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  child.on('close', () => out.flush());
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? code}`));
  });
  const pid = child.pid;
  const url = `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`;
  const ready = waitForRedisPing(port, options.readyTimeoutMs ?? 15000, '127.0.0.1', options.password);
  const outcome = await Promise.race([ready.then(() => 'ready'), exited]);
  if (outcome !== 'ready' || !pid) {
    if (pid) await stopProcessGroup(pid, { graceMs: 2000 });
    throw new Error(`redis-server did not start: ${outcome}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    private: true,
    pid,
    exited,
    stop: () =>
      (stopped ??= (async () => {
        // SIGTERM makes redis fsync the AOF and exit; it can take a moment on a large file.
        await stopProcessGroup(pid, { signal: 'SIGTERM', graceMs: 15000 });
        rmSync(pidFile, { force: true });
      })()),
    kill: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    },
  };
}

/** The private server's settings (redis.conf syntax; values quoted where they may hold spaces). */
function redisConfig(input: { port: number; dir: string; pidFile: string; password: string }): string {
  const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    `port ${input.port}`,
    'bind 127.0.0.1',
    `dir ${quote(input.dir)}`,
    'appendonly yes',
    'save ""',
    'daemonize no',
    `pidfile ${quote(input.pidFile)}`,
    // Private instance: nothing else on the machine should talk to it by accident.
    'protected-mode yes',
    `requirepass ${quote(input.password)}`,
    '',
  ].join('\n');
}

/** Folders 0700 and files 0600 under `dir` (state an older launcher left world-readable). */
function restrictTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/** A redis-server left running by a launcher that was killed with SIGKILL: stop it first. */
async function stopStaleRedis(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) && isRedisProcess(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 200 && isProcessAlive(pid); i++) await sleep(50);
  }
  rmSync(pidFile, { force: true });
}

function isRedisProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false;
  }
}

/** A RESP command as bytes. */
function respCommand(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** One PING over a raw socket (after AUTH when a password is given); resolves true on +PONG. */
export function pingRedis(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 1000,
  password?: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () =>
      socket.write((password ? respCommand('AUTH', password) : '') + respCommand('PING')),
    );
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const lines = reply.split('\r\n');
      // Each reply is one line here: +OK or -ERR for AUTH, then +PONG or -NOAUTH for PING.
      const expected = password ? 2 : 1;
      if (lines.length > expected)
        done(
          lines[expected - 1].startsWith('+PONG') && lines.slice(0, expected).every((l) => l.startsWith('+')),
        );
    });
  });
}

export async function waitForRedisPing(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
  password?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingRedis(port, host, 1000, password)) return;
    await sleep(100);
  }
  throw new Error(`redis on ${host}:${port} did not answer PING within ${timeoutMs} ms`);
}
