import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createLinePrefixer, LineSink, stdoutSink } from './log-stream';
import { ensureDir, ExecutableLookup, isProcessAlive, sleep, whichOnPath } from './paths';
import { findFreePort, isPortFree } from './ports';
import { stopProcessGroup } from './process-group';

export const PREFERRED_REDIS_PORT = 6380;

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
}

/**
 * A redis-server of our own: bound to 127.0.0.1 on a free port, append-only file in
 * var/redis so queues survive a restart, no RDB snapshots, in its own process group.
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<RedisHandle> {
  const dir = ensureDir(join(options.varDir, 'redis'));
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
  const child: ChildProcess = spawn(
    options.binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--pidfile',
      pidFile,
      // Private instance: nothing else on the machine should talk to it by accident.
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => out.push(c));
  child.on('close', () => out.flush());
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? code}`));
  });
  const pid = child.pid;
  const url = `redis://127.0.0.1:${port}`;
  const ready = waitForRedisPing(port, options.readyTimeoutMs ?? 15000);
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

/** One PING over a raw socket; resolves true on +PONG. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export async function waitForRedisPing(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingRedis(port, host)) return;
    await sleep(100);
  }
  throw new Error(`redis on ${host}:${port} did not answer PING within ${timeoutMs} ms`);
}
