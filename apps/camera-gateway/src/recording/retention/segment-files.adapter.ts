import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_SETTINGS, GatewaySettings } from '../../gateway.config';
import { isFinalSegmentName, resolveInside } from './retention-plan';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Leftovers of an interrupted write younger than this belong to the recorder (it recovers them). */
const LEFTOVER_AGE_MS = 24 * 3_600_000;
const UNLINKS_IN_FLIGHT = 32;
const DAY_DIR = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The retention sweeper's hands on the recordings directory: disk space, removing the files of
 * deleted index rows, the journal that makes a crash between "row deleted" and "file removed"
 * harmless, and the sweep of stale leftovers. Paths come from the index, relative to
 * RECORDINGS_DIR, and are refused when they would leave it.
 */
@Injectable()
export class SegmentFiles {
  private readonly log = new Logger('retention');
  readonly root: string;

  constructor(@Inject(GATEWAY_SETTINGS) settings: GatewaySettings) {
    this.root = path.resolve(settings.RECORDINGS_DIR);
  }

  async ensureRoot(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
  }

  async space(): Promise<DiskSpace> {
    const s = await fs.statfs(this.root);
    // bavail: what an unprivileged writer (this process) may still use.
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  }

  /** Removes the files of deleted rows; a file already gone is fine. Returns the day directories touched. */
  async remove(relativePaths: string[]): Promise<Set<string>> {
    const dirs = new Set<string>();
    const full: string[] = [];
    for (const relative of relativePaths) {
      const resolved = resolveInside(this.root, relative);
      if (resolved) full.push(resolved);
      else this.log.warn(`index path outside the recordings directory left alone: ${relative}`);
    }
    // A few unlinks in flight at a time: the file system's latency, not its throughput, is the limit.
    for (let i = 0; i < full.length; i += UNLINKS_IN_FLIGHT) {
      await Promise.all(
        full.slice(i, i + UNLINKS_IN_FLIGHT).map(async (file) => {
          try {
            await fs.unlink(file);
          } catch (err) {
            if (!isMissing(err)) throw err;
          }
          dirs.add(path.dirname(file));
        }),
      );
    }
    return dirs;
  }

  /** Removes day directories left empty (not today's or yesterday's: the recorder may still write there). */
  async pruneEmpty(dirs: Iterable<string>, now: Date): Promise<void> {
    const recent = new Set(
      [0, 1].map((d) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10)),
    );
    for (const dir of dirs) {
      const day = path.basename(dir);
      if (!DAY_DIR.test(day) || recent.has(day)) continue;
      try {
        await fs.rmdir(dir);
      } catch {
        // Not empty (or already gone): nothing to do.
      }
    }
  }

  private journalPath(gatewayId: string): string {
    return path.join(this.root, `.retention-journal-${gatewayId.replace(/[^\w.-]/g, '_')}.json`);
  }

  /** Durably notes the files about to lose their rows (written before the delete commits). */
  async writeJournal(gatewayId: string, relativePaths: string[]): Promise<void> {
    const target = this.journalPath(gatewayId);
    const tmp = `${target}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(relativePaths));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  }

  async readJournal(gatewayId: string): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.journalPath(gatewayId), 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
    } catch (err) {
      if (isMissing(err)) return [];
      this.log.warn(`unreadable retention journal ignored: ${(err as Error).message}`);
      return [];
    }
  }

  async clearJournal(gatewayId: string): Promise<void> {
    await fs.rm(this.journalPath(gatewayId), { force: true });
  }

  /**
   * Removes stale leftovers of interrupted writes: files in `<camera>/<stream>/<day>/` whose name
   * is not a final segment name and that nobody touched for a day. Final-named files are never
   * touched here (unindexed ones are not this sweeper's to judge). Day directories already seen
   * clean are skipped; the set of them is returned for the next walk.
   */
  async sweepLeftovers(now: Date, seenClean: Set<string>): Promise<number> {
    let removed = 0;
    for (const camera of await this.subdirs(this.root)) {
      for (const stream of await this.subdirs(camera)) {
        for (const day of await this.subdirs(stream)) {
          if (!DAY_DIR.test(path.basename(day)) || seenClean.has(day)) continue;
          let stale = 0;
          let young = 0;
          for (const name of await this.files(day)) {
            if (isFinalSegmentName(name)) continue;
            const full = path.join(day, name);
            const stat = await fs.stat(full).catch(() => null);
            if (!stat) continue;
            if (now.getTime() - stat.mtimeMs < LEFTOVER_AGE_MS) {
              young++;
              continue;
            }
            await fs.rm(full, { force: true });
            stale++;
          }
          removed += stale;
          const old = now.getTime() - Date.parse(`${path.basename(day)}T00:00:00Z`) > 2 * 86_400_000;
          if (young === 0 && old) seenClean.add(day);
        }
      }
    }
    return removed;
  }

  private async subdirs(dir: string): Promise<string[]> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => path.join(dir, e.name));
  }

  private async files(dir: string): Promise<string[]> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  }
}
