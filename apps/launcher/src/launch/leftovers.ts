import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGroupAlive, stopProcessGroup } from '@xueliang/platform';

/**
 * Child process groups of the running launcher, in var/children.json. A launcher killed with
 * SIGKILL cannot stop its detached children; the next launcher reads this file and stops
 * them, so an orphaned api does not keep port 3000.
 */
interface ChildRecord {
  name: string;
  pid: number;
  /** A word of the command line (the entry script) that guards against a reused pid. */
  marker: string;
}

function file(varDir: string): string {
  return join(varDir, 'children.json');
}

export class ChildRegistry {
  private readonly records = new Map<string, ChildRecord>();

  constructor(private readonly varDir: string) {}

  record(name: string, pid: number, marker: string): void {
    this.records.set(name, { name, pid, marker });
    writeFileSync(file(this.varDir), JSON.stringify([...this.records.values()], null, 2));
  }

  clear(): void {
    rmSync(file(this.varDir), { force: true });
  }
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** Stops process groups a previous, hard-killed launcher left running; returns their names. */
export async function stopLeftoverChildren(varDir: string): Promise<string[]> {
  if (!existsSync(file(varDir))) return [];
  let records: ChildRecord[] = [];
  try {
    records = JSON.parse(readFileSync(file(varDir), 'utf8')) as ChildRecord[];
  } catch {
    // Unreadable: nothing we can trust.
  }
  const stopped: string[] = [];
  await Promise.all(
    records.map(async (r) => {
      if (!Number.isInteger(r.pid) || r.pid <= 1 || !isGroupAlive(r.pid)) return;
      const cmd = commandLine(r.pid);
      // The leader is gone but its group lives on (e.g. ffmpeg), or the leader is still ours.
      if (cmd !== undefined && !cmd.includes(r.marker)) return;
      await stopProcessGroup(r.pid, { graceMs: 5000 });
      stopped.push(r.name);
    }),
  );
  rmSync(file(varDir), { force: true });
  return stopped;
}
