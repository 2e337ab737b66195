import path from 'node:path';

/** The knobs of the quota (gateway settings RECORDING_*), as fractions and bytes. */
export interface QuotaSettings {
  quotaBytes: number;
  /** Share of (free space + what the recordings use) they may take at most. */
  maxDiskShare: number;
  highWater: number;
  lowWater: number;
}

export interface StorageLimits {
  quotaBytes: number;
  highWaterBytes: number;
  lowWaterBytes: number;
}

/**
 * The quota of this gateway's recordings: the configured bytes, or the allowed share of the
 * space the recordings could have (what they use plus what is free), whichever is smaller. So a
 * disk that other files fill up shrinks the quota with it and the recordings give way.
 */
export function storageLimits(s: QuotaSettings, usedBytes: number, freeBytes: number): StorageLimits {
  const quotaBytes = Math.floor(Math.min(s.quotaBytes, s.maxDiskShare * (freeBytes + usedBytes)));
  return {
    quotaBytes,
    highWaterBytes: Math.floor(quotaBytes * s.highWater),
    lowWaterBytes: Math.floor(quotaBytes * s.lowWater),
  };
}

/** Refuses water marks that would make the sweeper oscillate or never run. */
export function quotaSettingsProblem(s: QuotaSettings): string | null {
  if (!(s.lowWater < s.highWater)) return 'RECORDING_LOW_WATER must be below RECORDING_HIGH_WATER';
  return null;
}

/** Bytes the quota sweep must free: down to the low-water mark once past the high-water mark. */
export function bytesToFree(usedBytes: number, limits: StorageLimits): number {
  return usedBytes > limits.highWaterBytes ? usedBytes - limits.lowWaterBytes : 0;
}

/**
 * Where a gateway's disk stands after a sweep.
 * - ok: under the marks, or brought back under them by deleting unlocked footage (normal turnover);
 * - locked_over_low: unlocked footage ran out before the low-water mark: evidence holds most of
 *   the quota and only a thin band of new footage survives (technician alert);
 * - full: evidence alone reaches the high-water mark: recording stops (StorageGuard) rather than
 *   deleting evidence (technician alert, urgent).
 */
export type StorageCondition = 'ok' | 'locked_over_low' | 'full';

export function storageCondition(
  usedAfter: number,
  limits: StorageLimits,
  unlockedExhausted: boolean,
): StorageCondition {
  if (!unlockedExhausted) return 'ok';
  if (usedAfter >= limits.highWaterBytes) return 'full';
  if (usedAfter >= limits.lowWaterBytes) return 'locked_over_low';
  return 'ok';
}

/** The retention cut-off of a camera: footage that ended before it goes (unless locked). */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}

/** A final segment's file name as the recorder writes it: `<startEpochMs>.ts`. */
const FINAL_SEGMENT = /^\d{10,16}\.ts$/;

export function isFinalSegmentName(name: string): boolean {
  return FINAL_SEGMENT.test(name);
}

/**
 * An indexed path resolved under the recordings directory, or null when it would leave it (an
 * absolute path, '..'): the sweeper deletes nothing outside RECORDINGS_DIR whatever the index says.
 */
export function resolveInside(root: string, relative: string): string | null {
  if (!relative || path.isAbsolute(relative)) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  return full.startsWith(base + path.sep) ? full : null;
}

/** Bytes written per second between two counts, never negative (deletes are not negative writes). */
export function writeRate(bytesAdded: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.max(0, Math.round((bytesAdded * 1000) / elapsedMs));
}
