import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary var/ folder the embedded `postgres` user can enter (mkdtemp makes 0700 folders). */
export function tempVarDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `xl-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every live process (Linux /proc); zombies are skipped because they hold no resources. */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (afterName[0] === 'Z') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(entry), ppid: Number(afterName[1]), cmdline });
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

/** The process and all its descendants. */
export function processTree(rootPid: number, all = listProcesses()): ProcInfo[] {
  const result: ProcInfo[] = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const p of all) {
      if (p.ppid === pid) {
        result.push(p);
        queue.push(p.pid);
      }
    }
  }
  return result;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0 until its parent reaps it; it holds nothing.
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
