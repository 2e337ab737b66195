/**
 * Holds the workers while a data service is unreachable. The first job that fails for an
 * infrastructure reason closes the gate; one probe loop (capped exponential backoff) reopens it
 * when the service answers again. Meanwhile every worker waits at the gate instead of burning
 * its jobs' attempts, so no accepted event or deadline is parked as failed by an outage and
 * the recovering database is not stormed by retries.
 */
export class OutageGate {
  private reopened: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly options: {
      firstDelayMs?: number;
      maxDelayMs?: number;
      log?: (message: string) => void;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {}

  get closed(): boolean {
    return this.reopened !== null;
  }

  /** Resolves at once while the services are up, else when the probe succeeds again. */
  whenOpen(): Promise<void> {
    return this.reopened ?? Promise.resolve();
  }

  /** Whether the service answers right now (the gate is open and one probe succeeds). */
  async answers(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.probe();
      return true;
    } catch {
      return false;
    }
  }

  /** A job met an infrastructure error: close the gate (once) and start probing. */
  close(reason: string): Promise<void> {
    if (this.reopened) return this.reopened;
    this.options.log?.(`alert-service: data service unreachable (${reason}); holding jobs until it answers`);
    const started = Date.now();
    this.reopened = this.probeUntilUp().then(() => {
      this.reopened = null;
      this.options.log?.(
        `alert-service: data service answers again after ${Date.now() - started} ms; resuming`,
      );
    });
    return this.reopened;
  }

  /** The service is shutting down: stop probing (waiting jobs are left to their locks). */
  stop(): void {
    this.stopped = true;
  }

  private async probeUntilUp(): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const max = this.options.maxDelayMs ?? 5000;
    for (let delay = this.options.firstDelayMs ?? 250; ; delay = Math.min(max, delay * 2)) {
      await sleep(delay);
      if (this.stopped) return;
      try {
        await this.probe();
        return;
      } catch {
        // Still down: wait longer, never longer than the cap, so recovery is noticed within it.
      }
    }
  }
}
