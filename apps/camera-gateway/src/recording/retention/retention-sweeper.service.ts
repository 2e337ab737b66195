import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RawEvent, RecordingStorageView } from '@xueliang/contracts';
import { recordingBytesKey, recordingStorageKey } from '@xueliang/gateway-protocol';
import { type AppConfig, ConfigError, InjectConfig, InjectRedis } from '@xueliang/platform';
import { RawEventPublisher } from '../../events/raw-event-publisher.adapter';
import { GATEWAY_SETTINGS, GatewaySettings } from '../../gateway.config';
import { StorageGuard } from '../storage-guard';
import {
  bytesToFree,
  type QuotaSettings,
  quotaSettingsProblem,
  retentionCutoff,
  type StorageCondition,
  storageCondition,
  type StorageLimits,
  storageLimits,
  writeRate,
} from './retention-plan';
import { type DeletedSegment, RetentionRepository } from './retention.repository';
import { SegmentFiles } from './segment-files.adapter';

/** Rows per delete statement: a short transaction, a journal of a few hundred kB at most. */
const BATCH = 2000;
/** Cameras per retention statement (an index probe each). */
const CAMERAS_PER_STATEMENT = 500;
/**
 * The incremental byte count is made exact again this often (rows deleted by others, a row
 * committed after a higher id was counted). A full count reads every row of this gateway
 * (1.4 s for 1M rows, docs/PERFORMANCE.md), so not often.
 */
const RECOUNT_MS = 6 * 3_600_000;
/** Stale leftovers of interrupted writes are looked for this often. */
const LEFTOVERS_MS = 6 * 3_600_000;

/** Why the recorder stops, in the words its state shows a technician. */
export const STORAGE_FULL_REASON = 'storage full: only evidence-locked footage is left';

export interface SweepReport {
  deletedByRetention: number;
  deletedByQuota: number;
  bytesFreed: number;
  usedBytes: number;
  limits: StorageLimits;
  condition: StorageCondition;
  durationMs: number;
}

const GiB = 1024 ** 3;
const gib = (bytes: number): string => `${(bytes / GiB).toFixed(2)} GiB`;

/**
 * Keeps this gateway's recordings inside their retention and quota. Each sweep:
 * 1. retention by days: per camera, its unlocked segments (written here) older than its policy's
 *    retention days (else RECORDING_DEFAULT_RETENTION_DAYS), and recorded gaps as old;
 * 2. the quota: past the high-water mark, the oldest unlocked segments whatever their camera,
 *    down to the low-water mark;
 * 3. when unlocked footage runs out first, a technician alert (storage_high_water, one alert per
 *    gateway disk through correlation) and, once evidence alone reaches the high-water mark, the
 *    StorageGuard goes full and the recorder stops instead of anything locked being deleted;
 * 4. storage stats to Redis for the health view.
 * Rows go first (in a transaction whose paths are journalled before it commits), files after:
 * a crash between leaves files the journal replay removes, never an index row without its file.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('retention');
  private readonly gatewayId: string;
  private readonly prefix: string;
  private readonly quota: QuotaSettings;
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  private usage: { lastId: string; byCamera: Map<string, number>; countedAt: number } | null = null;
  private written = { bytes: 0, since: Date.now(), rate: 0, cameras: 0 };
  private journalReplayed = false;
  private leftoversAt = 0;
  private readonly cleanDays = new Set<string>();
  private episode: { startedAt: number; raised: Set<StorageCondition> } | null = null;
  private countyId: string | null = null;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @InjectConfig() config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
    private readonly repo: RetentionRepository,
    private readonly files: SegmentFiles,
    private readonly guard: StorageGuard,
    private readonly events: RawEventPublisher,
  ) {
    this.gatewayId = config.GATEWAY_ID;
    this.prefix = config.REDIS_PREFIX;
    this.quota = {
      quotaBytes: settings.RECORDING_QUOTA_BYTES,
      maxDiskShare: settings.RECORDING_MAX_DISK_SHARE,
      highWater: settings.RECORDING_HIGH_WATER,
      lowWater: settings.RECORDING_LOW_WATER,
    };
    const problem = quotaSettingsProblem(this.quota);
    if (problem) throw new ConfigError(`invalid gateway configuration: ${problem}`);
  }

  onApplicationBootstrap(): void {
    if (this.settings.GATEWAY_BACKGROUND === 'false') return;
    const every = this.settings.RECORDING_SWEEP_INTERVAL_MS;
    // The first sweep soon after start (a restart may find the disk past its mark), then every period.
    this.first = setTimeout(() => void this.sweepLogged(), Math.min(every, 2000));
    this.first.unref();
    this.timer = setInterval(() => void this.sweepLogged(), every);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.chain.catch(() => undefined);
  }

  private async sweepLogged(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.sweep();
    } catch (err) {
      this.log.warn(`retention sweep failed, next period tries again: ${(err as Error).message}`);
    }
  }

  /** One sweep; sweeps never overlap (a call while one runs waits for it, then runs). */
  sweep(now: Date = new Date()): Promise<SweepReport> {
    const run = this.chain.catch(() => undefined).then(() => this.sweepOnce(now));
    this.chain = run;
    return run;
  }

  private async sweepOnce(now: Date): Promise<SweepReport> {
    const started = Date.now();
    await this.files.ensureRoot();
    if (!this.journalReplayed) {
      await this.replayJournal();
      this.journalReplayed = true;
    }
    await this.count(now);

    let deletedByRetention = 0;
    let bytesFreed = 0;
    for (const [retentionDays, cameraIds] of await this.byRetention()) {
      const cutoff = retentionCutoff(now, retentionDays);
      for (;;) {
        if (this.stopped) break;
        const batch = await this.deleteBatch((journal) =>
          this.repo.expired(this.gatewayId, cameraIds, cutoff, now, BATCH, journal),
        );
        deletedByRetention += batch.length;
        bytesFreed += batch.reduce((n, s) => n + s.bytes, 0);
        if (batch.length < BATCH) break;
      }
      await this.repo.expireGaps(cameraIds, cutoff, now);
    }

    let deletedByQuota = 0;
    let unlockedExhausted = false;
    let limits = await this.limits();
    let need = bytesToFree(this.usedBytes(), limits);
    while (need > 0 && !this.stopped) {
      const batch = await this.deleteBatch((journal) =>
        this.repo.oldest(this.gatewayId, need, now, BATCH, journal),
      );
      const freed = batch.reduce((n, s) => n + s.bytes, 0);
      deletedByQuota += batch.length;
      bytesFreed += freed;
      need -= freed;
      if (batch.length === 0 || (batch.length < BATCH && need > 0)) unlockedExhausted = true;
      if (unlockedExhausted) break;
    }
    if (deletedByQuota) limits = await this.limits();

    const usedBytes = this.usedBytes();
    const condition = storageCondition(usedBytes, limits, unlockedExhausted);
    this.guard.set(condition === 'full', condition === 'full' ? STORAGE_FULL_REASON : null);
    await this.raiseIfNeeded(condition, usedBytes, limits, now);
    await this.publish(usedBytes, limits, now);
    if (now.getTime() - this.leftoversAt >= LEFTOVERS_MS) {
      this.leftoversAt = now.getTime();
      const removed = await this.files.sweepLeftovers(now, this.cleanDays);
      if (removed) this.log.log(`removed ${removed} stale leftover file(s) of interrupted recordings`);
    }
    const report: SweepReport = {
      deletedByRetention,
      deletedByQuota,
      bytesFreed,
      usedBytes,
      limits,
      condition,
      durationMs: Date.now() - started,
    };
    if (deletedByRetention || deletedByQuota) {
      this.log.log(
        `deleted ${deletedByRetention} segment(s) past retention and ${deletedByQuota} for the quota ` +
          `(${gib(bytesFreed)}); ${gib(usedBytes)} of ${gib(limits.quotaBytes)} used`,
      );
    }
    return report;
  }

  /**
   * The cameras with footage grouped by retention days (a few groups: the default and the
   * policies that differ), in chunks, so retention is a few statements rather than one a camera.
   */
  private async byRetention(): Promise<[number, string[]][]> {
    const days = await this.repo.retentionDays();
    const groups = new Map<number, string[]>();
    for (const cameraId of await this.repo.camerasWithFootage()) {
      const d = days.get(cameraId) ?? this.settings.RECORDING_DEFAULT_RETENTION_DAYS;
      const group = groups.get(d) ?? [];
      group.push(cameraId);
      groups.set(d, group);
    }
    const out: [number, string[]][] = [];
    for (const [d, ids] of groups) {
      for (let i = 0; i < ids.length; i += CAMERAS_PER_STATEMENT)
        out.push([d, ids.slice(i, i + CAMERAS_PER_STATEMENT)]);
    }
    return out;
  }

  /** Rows first (paths journalled before the commit), then files, then the journal entry. */
  private async deleteBatch(
    del: (journal: (rows: DeletedSegment[]) => Promise<void>) => Promise<DeletedSegment[]>,
  ): Promise<DeletedSegment[]> {
    const rows = await del((batch) =>
      this.files.writeJournal(
        this.gatewayId,
        batch.map((s) => s.path),
      ),
    );
    if (!rows.length) return rows;
    const dirs = await this.files.remove(rows.map((s) => s.path));
    await this.files.clearJournal(this.gatewayId);
    await this.files.pruneEmpty(dirs, new Date());
    this.forget(rows);
    return rows;
  }

  /** After a crash: files whose rows are gone are removed; files whose rows survived stay. */
  private async replayJournal(): Promise<void> {
    const paths = await this.files.readJournal(this.gatewayId);
    if (!paths.length) return;
    const kept = await this.repo.indexedPaths(paths);
    const gone = paths.filter((p) => !kept.has(p));
    await this.files.remove(gone);
    await this.files.clearJournal(this.gatewayId);
    this.log.log(`journal replay: removed ${gone.length} file(s) of rows deleted before a restart`);
  }

  private async count(now: Date): Promise<void> {
    if (!this.usage || now.getTime() - this.usage.countedAt >= RECOUNT_MS) {
      const all = await this.repo.countAll(this.gatewayId);
      this.usage = { ...all, countedAt: now.getTime() };
      this.written = { bytes: 0, since: Date.now(), rate: this.written.rate, cameras: this.written.cameras };
      return;
    }
    const fresh = await this.repo.countSince(this.gatewayId, this.usage.lastId);
    let added = 0;
    for (const [cameraId, bytes] of fresh.byCamera) {
      this.usage.byCamera.set(cameraId, (this.usage.byCamera.get(cameraId) ?? 0) + bytes);
      added += bytes;
    }
    this.usage.lastId = fresh.lastId;
    const t = Date.now();
    this.written = {
      bytes: 0,
      since: t,
      rate: writeRate(added, t - this.written.since),
      cameras: fresh.byCamera.size,
    };
  }

  /** Deleted rows leave the count (only those it had counted: newer ones are not in it yet). */
  private forget(rows: DeletedSegment[]): void {
    if (!this.usage) return;
    const last = BigInt(this.usage.lastId);
    for (const s of rows) {
      if (BigInt(s.id) > last) continue;
      const left = (this.usage.byCamera.get(s.cameraId) ?? 0) - s.bytes;
      if (left > 0) this.usage.byCamera.set(s.cameraId, left);
      else this.usage.byCamera.delete(s.cameraId);
    }
  }

  private usedBytes(): number {
    let n = 0;
    for (const bytes of this.usage?.byCamera.values() ?? []) n += bytes;
    return n;
  }

  private async limits(): Promise<StorageLimits> {
    const space = await this.files.space();
    return storageLimits(this.quota, this.usedBytes(), space.freeBytes);
  }

  /**
   * One event per episode and condition (the id says which, so a retry is a no-op); correlation
   * on the gateway's disk folds them into one open alert. Normal turnover (deleting unlocked
   * footage back under the mark) raises nothing: it is the quota doing its job.
   */
  private async raiseIfNeeded(
    condition: StorageCondition,
    usedBytes: number,
    limits: StorageLimits,
    now: Date,
  ): Promise<void> {
    if (condition === 'ok') {
      if (this.episode) this.log.log('recordings back under the water marks');
      this.episode = null;
      return;
    }
    this.episode ??= { startedAt: now.getTime(), raised: new Set() };
    if (this.episode.raised.has(condition)) return;
    this.countyId ??= await this.repo.countyRegionId();
    if (!this.countyId) {
      this.log.warn('no region to file the storage alert under');
      return;
    }
    const full = condition === 'full';
    const event: RawEvent = {
      id: `storage_high_water:${this.gatewayId}:${this.episode.startedAt}:${condition}`,
      source: 'system',
      type: 'storage_high_water',
      occurredAt: now.toISOString(),
      regionId: this.countyId,
      priority: full ? 'high' : 'medium',
      title: (full
        ? `录像存储已满：网关 ${this.gatewayId} 仅剩证据锁定的录像，已停止录像`
        : `录像存储超过水位：网关 ${this.gatewayId} 的证据锁定录像占用大部分配额`
      ).slice(0, 200),
      description:
        `录像占用 ${gib(usedBytes)}，配额 ${gib(limits.quotaBytes)}（高水位 ${gib(limits.highWaterBytes)}，` +
        `低水位 ${gib(limits.lowWaterBytes)}）。未锁定的录像已全部按时间先后删除，剩余均为证据锁定录像。` +
        (full ? '为保护证据，录像已停止，解除过期锁定或扩充存储后自动恢复。' : '新录像只能保留很短时间。'),
      attributes: {
        subject: `recordings:${this.gatewayId}`,
        gatewayId: this.gatewayId,
        condition,
        usedBytes,
        quotaBytes: limits.quotaBytes,
      },
    };
    try {
      await this.events.publish(event);
      this.episode.raised.add(condition);
      this.log.warn(`storage alert raised: ${condition}, ${gib(usedBytes)} of ${gib(limits.quotaBytes)}`);
    } catch (err) {
      this.log.warn(`could not raise the storage alert, next sweep tries again: ${(err as Error).message}`);
    }
  }

  private async publish(usedBytes: number, limits: StorageLimits, now: Date): Promise<void> {
    const space = await this.files.space();
    const view: RecordingStorageView = {
      gatewayId: this.gatewayId,
      bytesUsed: usedBytes,
      bytesFree: space.freeBytes,
      bytesTotal: space.totalBytes,
      quotaBytes: limits.quotaBytes,
      highWaterBytes: limits.highWaterBytes,
      lowWaterBytes: limits.lowWaterBytes,
      writeBytesPerSecond: this.written.rate,
      recordingCameras: this.written.cameras,
      reportedAt: now.toISOString(),
    };
    const bytesKey = recordingBytesKey(this.prefix, this.gatewayId);
    const perCamera = [...(this.usage?.byCamera ?? new Map<string, number>())].flatMap(([id, n]) => [
      id,
      String(n),
    ]);
    const tx = this.redis
      .multi()
      .hset(recordingStorageKey(this.prefix), this.gatewayId, JSON.stringify(view));
    tx.del(bytesKey);
    if (perCamera.length) tx.hset(bytesKey, ...perCamera);
    await tx.exec();
  }
}
