/** One submitted item's outcome: its own result, or the error that fails only it. */
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups items submitted one by one (BullMQ hands the worker one job at a time) into batches:
 * while `maxInFlight` batches run, new items wait and form the next batch, at most `maxBatch`
 * long. An idle service runs a lone item at once (no added latency); a loaded one runs full
 * batches. `run` answers one outcome per item, in order; if it throws, every item of that batch
 * gets the error (the caller decides what is transient).
 */
export class MicroBatcher<I, R> {
  private readonly waiting: Waiting<I, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<BatchOutcome<R>[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // Jobs fetched in the same turn of the event loop join one batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((w) => w.item))
        .then(
          (outcomes) =>
            batch.forEach((w, i) => {
              const o = outcomes[i];
              if (o?.ok) w.resolve(o.value);
              else w.reject(o ? o.error : new Error('batch answered no outcome for this item'));
            }),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
