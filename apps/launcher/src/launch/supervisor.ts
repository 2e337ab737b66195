import { ChildProcess, spawn } from 'node:child_process';
import { createLinePrefixer, LineSink, stdoutSink } from './log-stream';
import { signalGroup, stopProcessGroup } from '@xueliang/platform';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Restart when it dies unexpectedly (default true). */
  restart?: boolean;
}

export interface SupervisorOptions {
  sink?: LineSink;
  colour?: boolean;
  /** Restarts allowed per process before giving up (default 10). */
  maxRestarts?: number;
  /** First backoff delay; doubles each time up to maxBackoffMs (defaults 1 s and 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run longer than this resets the backoff (default 60 s). */
  stableAfterMs?: number;
  /** SIGTERM → SIGKILL grace per process on stop (default 8 s). */
  stopGraceMs?: number;
  /** Told about every (re)spawn, so the launcher can record pids for cleanup after a hard kill. */
  onSpawn?: (name: string, pid: number, spec: ProcessSpec) => void;
}

interface Managed {
  spec: ProcessSpec;
  child?: ChildProcess;
  restarts: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  colourIndex: number;
}

/** The delay before restart number `attempt` (0-based): 1 s, 2 s, 4 s, … capped. */
export function backoffDelay(attempt: number, initialMs = 1000, maxMs = 30000): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/**
 * Runs the stack's child processes: each in its own process group (so stopping it reaches
 * ffmpeg and any other grandchild), output merged into one prefixed log, restarted with
 * exponential backoff when it dies while the stack is up.
 */
export class ProcessSupervisor {
  private readonly managed = new Map<string, Managed>();
  private stopping = false;
  private readonly sink: LineSink;

  constructor(private readonly options: SupervisorOptions = {}) {
    this.sink = options.sink ?? stdoutSink;
  }

  /** Pids of the running children (their process group ids). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.managed].map(([name, m]) => [name, m.child?.pid]));
  }

  start(spec: ProcessSpec): ChildProcess {
    if (this.stopping) throw new Error('supervisor is stopping');
    if (this.managed.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
    const managed: Managed = { spec, restarts: 0, startedAt: 0, colourIndex: this.managed.size };
    this.managed.set(spec.name, managed);
    return this.launch(managed);
  }

  private launch(m: Managed): ChildProcess {
    const { spec } = m;
    const prefixOptions = { colour: this.options.colour, colourIndex: m.colourIndex };
    const out = createLinePrefixer(spec.name, this.sink, prefixOptions);
    const err = createLinePrefixer(spec.name, this.sink, prefixOptions);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: Ctrl-C in the terminal reaches only the launcher, which then stops
      // children in order, and a group signal also reaches grandchildren.
      detached: true,
    });
    m.child = child;
    m.startedAt = Date.now();
    if (child.pid) this.options.onSpawn?.(spec.name, child.pid, spec);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => this.log(spec.name, `failed to start: ${error.message}`));
    // 'close' waits for the pipes, so a last partial line is never lost.
    child.on('close', () => {
      out.flush();
      err.flush();
    });
    child.on('exit', (code, signal) => {
      if (m.child !== child) return;
      m.child = undefined;
      if (this.stopping) return;
      // Grandchildren (ffmpeg) of a crashed app would otherwise outlive it.
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      this.log(spec.name, `exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
      this.scheduleRestart(m);
    });
    return child;
  }

  private scheduleRestart(m: Managed): void {
    if (m.spec.restart === false) return;
    const max = this.options.maxRestarts ?? 10;
    if (Date.now() - m.startedAt > (this.options.stableAfterMs ?? 60000)) m.restarts = 0;
    if (m.restarts >= max) {
      this.log(m.spec.name, `gave up after ${max} restarts`);
      return;
    }
    const delay = backoffDelay(m.restarts, this.options.initialBackoffMs, this.options.maxBackoffMs);
    m.restarts++;
    this.log(m.spec.name, `restarting in ${Math.round(delay / 100) / 10} s (restart ${m.restarts}/${max})`);
    m.timer = setTimeout(() => {
      m.timer = undefined;
      if (!this.stopping) this.launch(m);
    }, delay);
  }

  /** Stops every child in parallel: SIGTERM to each group, SIGKILL after the grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    const grace = this.options.stopGraceMs ?? 8000;
    await Promise.all(
      [...this.managed.values()].map(async (m) => {
        if (m.timer) clearTimeout(m.timer);
        const pid = m.child?.pid;
        if (!pid) return;
        const result = await stopProcessGroup(pid, { signal: 'SIGTERM', graceMs: grace });
        if (result === 'killed') this.log(m.spec.name, `did not stop within ${grace} ms; killed`);
      }),
    );
  }

  /** Immediate SIGKILL to every group (second Ctrl-C). */
  killAll(): void {
    this.stopping = true;
    for (const m of this.managed.values()) {
      if (m.timer) clearTimeout(m.timer);
      if (m.child?.pid) signalGroup(m.child.pid, 'SIGKILL');
    }
  }

  private log(name: string, message: string): void {
    this.sink(`launcher   | ${name}: ${message}`);
  }
}

/**
 * A data service the launcher started itself (the embedded PostgreSQL, the private Redis): it
 * says when the running server exits, and starts it again on the same port, so the apps' URLs
 * stay valid and their connections reconnect by themselves.
 */
export interface RestartableService {
  /** Resolves, with how it ended, when the server running now exits. */
  exited(): Promise<string>;
  restart(): Promise<void>;
  readonly pid?: number;
}

export type ServiceWatchdogOptions = Pick<
  SupervisorOptions,
  'sink' | 'maxRestarts' | 'initialBackoffMs' | 'maxBackoffMs' | 'stableAfterMs'
>;

/**
 * Restarts a dead PostgreSQL or Redis as ProcessSupervisor restarts a dead app: logged, with the
 * same exponential backoff and restart limit. A failed start counts as a restart and is tried
 * again after the next delay (an old server's workers may still hold its shared memory).
 */
export class ServiceWatchdog {
  private stopped = false;
  private restarts = 0;
  private inFlight?: Promise<void>;
  private wake?: () => void;
  private readonly sink: LineSink;

  constructor(
    private readonly name: string,
    private readonly service: RestartableService,
    private readonly options: ServiceWatchdogOptions = {},
  ) {
    this.sink = options.sink ?? stdoutSink;
    void this.watch();
  }

  /** Stops watching (before the launcher stops the service itself); waits for a restart under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    // Its failure is logged by the watch loop that awaits it too.
    await this.inFlight?.catch(() => undefined);
  }

  private async watch(): Promise<void> {
    let upSince = Date.now();
    while (!this.stopped) {
      const how = await this.service.exited();
      if (this.stopped) return;
      this.log(`stopped unexpectedly: ${how}`);
      if (Date.now() - upSince > (this.options.stableAfterMs ?? 60000)) this.restarts = 0;
      if (!(await this.restartWithBackoff())) return;
      upSince = Date.now();
    }
  }

  /** True once it runs again; false when stopped or past the restart limit. */
  private async restartWithBackoff(): Promise<boolean> {
    const max = this.options.maxRestarts ?? 10;
    for (;;) {
      if (this.restarts >= max) {
        this.log(`gave up after ${max} restarts`);
        return false;
      }
      const delay = backoffDelay(this.restarts, this.options.initialBackoffMs, this.options.maxBackoffMs);
      this.restarts++;
      this.log(`restarting in ${Math.round(delay / 100) / 10} s (restart ${this.restarts}/${max})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) return false;
      this.inFlight = this.service.restart();
      try {
        await this.inFlight;
        this.log(`restarted (pid ${this.service.pid ?? '?'})`);
        return true;
      } catch (error) {
        this.log(`restart failed: ${(error as Error).message}`);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  private log(message: string): void {
    this.sink(`launcher   | ${this.name}: ${message}`);
  }
}
