/** Milliseconds spent per intake step, summed over batches (the bench prints them per phase). */
export interface IntakeProfileSnapshot {
  batches: number;
  events: number;
  /** Largest batch seen since the last reset. */
  maxBatch: number;
  /** Total milliseconds per step, in the order the steps first ran. */
  stepsMs: Record<string, number>;
}

/**
 * Where the intake's time goes, step by step. Cheap enough to stay on in production (two
 * performance.now() calls per step and batch, not per event); read through
 * AlertService.intakeProfile() by the bench.
 */
export class IntakeProfile {
  private batches = 0;
  private events = 0;
  private maxBatch = 0;
  private steps = new Map<string, number>();

  batch(size: number): void {
    this.batches++;
    this.events += size;
    this.maxBatch = Math.max(this.maxBatch, size);
  }

  async time<T>(step: string, run: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.add(step, performance.now() - start);
    }
  }

  add(step: string, ms: number): void {
    this.steps.set(step, (this.steps.get(step) ?? 0) + ms);
  }

  snapshot(): IntakeProfileSnapshot {
    return {
      batches: this.batches,
      events: this.events,
      maxBatch: this.maxBatch,
      stepsMs: Object.fromEntries([...this.steps].map(([k, v]) => [k, Math.round(v * 10) / 10])),
    };
  }

  reset(): void {
    this.batches = 0;
    this.events = 0;
    this.maxBatch = 0;
    this.steps.clear();
  }
}
