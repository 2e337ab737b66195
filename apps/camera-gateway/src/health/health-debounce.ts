import type { CameraStatus } from '@xueliang/contracts';

/** What the health poller remembers per camera. */
export interface HealthState {
  status: CameraStatus;
  /** Consecutive failed polls. */
  failures: number;
  reason: string | null;
}

export type PollOutcome = { ok: true } | { ok: false; reason: string };

export interface HealthTransition {
  state: HealthState;
  /** Set when the reported status changes: exactly once per real change. */
  changed?: { from: CameraStatus; to: CameraStatus; reason: string | null };
}

/**
 * Debounce: N consecutive failures before offline, one success back to online, so a camera that
 * drops one poll in ten never storms the alert queue. Pure; the poller applies it.
 */
export function observe(
  prev: HealthState,
  outcome: PollOutcome,
  failuresToOffline: number,
): HealthTransition {
  if (outcome.ok) {
    const state: HealthState = { status: 'online', failures: 0, reason: null };
    return prev.status === 'online'
      ? { state }
      : { state, changed: { from: prev.status, to: 'online', reason: null } };
  }
  const failures = prev.failures + 1;
  if (prev.status !== 'offline' && failures >= failuresToOffline) {
    return {
      state: { status: 'offline', failures, reason: outcome.reason },
      changed: { from: prev.status, to: 'offline', reason: outcome.reason },
    };
  }
  return { state: { ...prev, failures, reason: prev.status === 'offline' ? outcome.reason : prev.reason } };
}

/**
 * When to poll next: the interval with ±10 % jitter while healthy or confirming a failure; once
 * offline, exponential backoff up to maxBackoffMs so thousands of dead cameras cost little.
 */
export function nextPollDelay(
  state: HealthState,
  intervalMs: number,
  maxBackoffMs: number,
  failuresToOffline: number,
  random: () => number = Math.random,
): number {
  const jitter = 1 + (random() - 0.5) * 0.2;
  if (state.status !== 'offline') return Math.round(intervalMs * jitter);
  const over = Math.max(0, state.failures - failuresToOffline);
  return Math.round(Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(over, 16)) * jitter);
}

/** A counting semaphore: at most `limit` polls in flight however many cameras are due. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  get inFlight(): number {
    return this.active;
  }
}
