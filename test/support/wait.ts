/**
 * Polling for integration tests. `ms` bounds the wait so a broken run fails with a name instead
 * of hanging; it is never a speed assertion.
 */

/**
 * The one poll of the test suites. Calls `probe` every 50 ms until it answers truthy and resolves
 * with that answer; after `ms` it rejects with "timed out waiting for <label>". A probe that
 * throws ends the wait at once with its error (so a probe can fail fast, e.g. on a dead process).
 *
 * Truthy, not "defined": `false`, `0`, `''`, `null` and `undefined` all mean "not yet". A probe
 * whose real answer may be 0 or '' returns a wrapper (`{ count }`) or its own boolean test.
 */
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
