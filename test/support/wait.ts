/**
 * Polling for integration tests. `ms` bounds the wait so a broken run fails with a name instead
 * of hanging; it is never a speed assertion.
 */

/** Polls until the probe answers truthy; fails with the label after `ms`. */
export async function until<T>(
  label: string,
  probe: () => Promise<T> | T,
  ms = 30_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The camera suites' form: done once `fn` answers anything but undefined or false (so 0 and ''
 * count as answers).
 */
export async function untilDefined<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a BullMQ job has failed and returns it as read after the failure: a job object
 * fetched just before it failed carries no failedReason or final attempt count.
 */
export async function failedJob<J>(
  queue: { getJob(id: string): Promise<J | undefined>; getJobState(id: string): Promise<string> },
  id: string,
): Promise<J> {
  await until(`job ${id} failed`, async () => (await queue.getJobState(id)) === 'failed');
  const job = await queue.getJob(id);
  if (!job) throw new Error(`job ${id} vanished after failing`);
  return job;
}
