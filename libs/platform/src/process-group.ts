/**
 * Process and process-group signalling, shared by the launcher (its apps and services) and the
 * camera gateway (its ffmpeg children): each leads a group of its own, which is what gets signalled.
 */

/** True while a process with this pid exists (signal 0 only checks). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True while any process of the group exists (the leader or any grandchild such as ffmpeg). */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves true when the group is gone within the timeout. */
async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

export interface StopOptions {
  /** First signal to the whole group; SIGTERM for apps, SIGINT for postgres (fast shutdown). */
  signal?: NodeJS.Signals;
  graceMs?: number;
}

/**
 * Stops a process group started with `detached: true` (so its pid is the group id): the
 * polite signal to every member, then SIGKILL to whoever is left after the grace period.
 * Signalling the group rather than the pid is what reaches grandchildren such as ffmpeg.
 */
export async function stopProcessGroup(
  pgid: number,
  options: StopOptions = {},
): Promise<'exited' | 'killed'> {
  signalGroup(pgid, options.signal ?? 'SIGTERM');
  if (await waitForGroupExit(pgid, options.graceMs ?? 8000)) return 'exited';
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, 5000);
  return 'killed';
}
