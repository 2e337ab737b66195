import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '@xueliang/platform';

/**
 * One launcher per var/ folder: a second `npm start` would fight the first over the
 * postgres data folder and ports. Returns the pid of the live holder, or undefined once taken.
 */
export function acquireLauncherLock(varDir: string): number | undefined {
  const file = join(varDir, 'launcher.pid');
  if (existsSync(file)) {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid)) return pid;
  }
  writeFileSync(file, String(process.pid));
  return undefined;
}

export function releaseLauncherLock(varDir: string): void {
  const file = join(varDir, 'launcher.pid');
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) rmSync(file, { force: true });
  } catch {
    // Never written or already removed.
  }
}
