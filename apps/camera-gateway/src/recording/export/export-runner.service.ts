import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { type ExportFileView, type ExportManifest, type StreamKind, userRoom } from '@xueliang/contracts';
import { Camera, RecordingExport, RecordingSegment, User } from '@xueliang/db';
import {
  type AppConfig,
  digestFile,
  EXPORT_BLOCK_SIZE,
  type EvidenceKey,
  InjectConfig,
  InjectRedis,
  loadEvidenceKey,
  redactCredentials,
  sha256File,
  signManifest,
} from '@xueliang/platform';
import { createSocketEmitter, type SocketEmitter } from '@xueliang/queue';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../../gateway.config';
import { type ClipCutter, FfmpegClipCutter } from './clip-cutter';
import { insideRoot } from './store-paths';

/** An export that cannot be made as asked; its message is what the row and the requester see. */
export class ExportError extends Error {}

const PLATFORM_NAME = 'Xueliang';

/**
 * Makes one evidence export (docs/RECORDING.md "Export and proof of integrity"): for each item
 * the indexed segments overlapping its range, each re-hashed against the index first (evidence is
 * never built from altered footage), concatenated by ffmpeg in copy mode into a faststart MP4,
 * then a manifest with segment hashes and 1 MiB block hashes of every file, signed with the
 * platform's Ed25519 key. Progress goes into the row and to the requester's sockets.
 */
@Injectable()
export class ExportRunner {
  private readonly log = new Logger('export-runner');
  private readonly key: EvidenceKey;
  private readonly emitter: SocketEmitter;
  private readonly gatewayId: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @InjectConfig() config: AppConfig,
    @InjectRedis() redis: Redis,
    @Inject(FfmpegClipCutter) private readonly cutter: ClipCutter,
  ) {
    this.key = loadEvidenceKey(config.EVIDENCE_SIGNING_KEY);
    this.emitter = createSocketEmitter(redis, config.REDIS_PREFIX);
    this.gatewayId = config.GATEWAY_ID;
  }

  exportsRoot(): string {
    return resolve(this.settings.EXPORTS_DIR);
  }

  /** Runs the export; a failure is written to the row (and thrown, so the queue keeps the job). */
  async run(exportId: string): Promise<void> {
    const repo = this.db.getRepository(RecordingExport);
    const row = await repo.findOneBy({ id: exportId });
    if (!row || row.deletedAt || row.status === 'done') return;
    const dir = join(this.exportsRoot(), exportId);
    try {
      await this.update(row, {
        status: 'running',
        progress: 0,
        startedAt: new Date(),
        gatewayId: this.gatewayId,
        dir: exportId,
        error: null,
      });
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const manifest = await this.build(row, dir);
      const signed = signManifest(manifest, this.key);
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(signed, null, 2) + '\n');
      const files: ExportFileView[] = manifest.files.map((f) => ({
        name: f.name,
        cameraId: f.cameraId,
        bytes: f.bytes,
        sha256: f.sha256,
      }));
      await this.update(row, {
        status: 'done',
        progress: 1,
        finishedAt: new Date(),
        files,
        manifest: signed,
      });
    } catch (error) {
      const message =
        error instanceof ExportError
          ? error.message
          : `export failed: ${redactCredentials((error as Error).message)}`;
      this.log.warn(`export ${exportId} failed: ${message}`);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await this.update(row, { status: 'failed', finishedAt: new Date(), error: message }).catch((e: Error) =>
        this.log.error(`export ${exportId}: could not record the failure: ${e.message}`),
      );
      throw new Error(message, { cause: error });
    }
  }

  private async build(row: RecordingExport, dir: string): Promise<ExportManifest> {
    const requester = await this.db.getRepository(User).findOneBy({ id: row.requestedBy });
    const manifest: ExportManifest = {
      version: 1,
      platform: { name: PLATFORM_NAME, keyId: this.key.keyId },
      exportId: row.id,
      exportedBy: {
        id: row.requestedBy,
        name: requester?.displayName ?? requester?.username ?? row.requestedBy,
      },
      exportedAt: new Date().toISOString(),
      reason: row.reason,
      alertId: row.alertId,
      files: [],
    };
    const count = row.items.length;
    for (const [index, item] of row.items.entries()) {
      const camera = await this.db.getRepository(Camera).findOneBy({ id: item.cameraId });
      const from = new Date(item.from);
      const to = new Date(item.to);
      const stream = item.stream ?? (await this.busiestStream(item.cameraId, from, to));
      const segments = await this.segmentsIn(item.cameraId, stream, from, to);
      if (!segments.length) {
        throw new ExportError(
          `no recorded ${stream} footage of camera ${item.cameraId} between ${item.from} and ${item.to}`,
        );
      }
      const paths: string[] = [];
      for (const s of segments) paths.push(await this.checkedPath(s));
      const first = segments[0];
      const offsetSeconds = Math.max(0, from.getTime() - first.startAt.getTime()) / 1000;
      const durationMs = segments.reduce(
        (sum, s) =>
          sum +
          Math.max(
            0,
            Math.min(s.endAt.getTime(), to.getTime()) - Math.max(s.startAt.getTime(), from.getTime()),
          ),
        0,
      );
      const name = `${String(index + 1).padStart(2, '0')}-${item.cameraId.slice(0, 8)}-${stream}-${compact(from)}.mp4`;
      const output = join(dir, name);
      await this.cutter.cut({
        segments: paths,
        offsetSeconds,
        durationSeconds: durationMs / 1000,
        listFile: join(dir, `.${index}.concat.txt`),
        output,
        codec: first.codec,
        onProgress: (f) => void this.progress(row, (index + f * 0.95) / count),
      });
      await rm(join(dir, `.${index}.concat.txt`), { force: true });
      const digest = await digestFile(output, EXPORT_BLOCK_SIZE);
      manifest.files.push({
        name,
        cameraId: item.cameraId,
        cameraName: camera?.name ?? item.cameraId,
        stream,
        from: item.from,
        to: item.to,
        bytes: digest.bytes,
        sha256: digest.sha256,
        blockSize: EXPORT_BLOCK_SIZE,
        blockSha256: digest.blockSha256,
        segments: segments.map((s) => ({
          start: s.startAt.toISOString(),
          end: s.endAt.toISOString(),
          sha256: s.sha256,
        })),
      });
      await this.progress(row, (index + 1) / count, true);
    }
    return manifest;
  }

  /** Without a stream asked for: the one with more footage in the range (main on a tie). */
  private async busiestStream(cameraId: string, from: Date, to: Date): Promise<StreamKind> {
    const rows = await this.db
      .getRepository(RecordingSegment)
      .createQueryBuilder('s')
      .select('s.stream', 'stream')
      .addSelect('COUNT(*)', 'n')
      .where('s.cameraId = :cameraId AND s.startAt < :to AND s.endAt > :from', { cameraId, from, to })
      .groupBy('s.stream')
      .getRawMany<{ stream: StreamKind; n: string }>();
    const main = Number(rows.find((r) => r.stream === 'main')?.n ?? 0);
    const sub = Number(rows.find((r) => r.stream === 'sub')?.n ?? 0);
    return sub > main ? 'sub' : 'main';
  }

  private segmentsIn(
    cameraId: string,
    stream: StreamKind,
    from: Date,
    to: Date,
  ): Promise<RecordingSegment[]> {
    return this.db
      .getRepository(RecordingSegment)
      .createQueryBuilder('s')
      .where('s.cameraId = :cameraId AND s.stream = :stream AND s.startAt < :to AND s.endAt > :from', {
        cameraId,
        stream,
        from,
        to,
      })
      .orderBy('s.startAt', 'ASC')
      .getMany();
  }

  /** The segment's file, after checking it still hashes to what the index recorded. */
  private async checkedPath(s: RecordingSegment): Promise<string> {
    const what = `segment ${s.id} (${s.startAt.toISOString()})`;
    const path = insideRoot(this.settings.RECORDINGS_DIR, s.path);
    if (!path) throw new ExportError(`${what} has an invalid path in the index`);
    let hash: string;
    try {
      hash = await sha256File(path);
    } catch {
      throw new ExportError(`${what} is missing on disk: footage cannot be exported`);
    }
    if (hash !== s.sha256.trim()) {
      throw new ExportError(`${what} no longer matches its index hash: altered footage is not exported`);
    }
    return path;
  }

  private lastProgressAt = new Map<string, number>();

  private async progress(row: RecordingExport, progress: number, force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - (this.lastProgressAt.get(row.id) ?? 0) < 1000) return;
    this.lastProgressAt.set(row.id, now);
    await this.update(row, { progress: Math.min(0.99, progress) }).catch(() => undefined);
  }

  private async update(row: RecordingExport, change: Partial<RecordingExport>): Promise<void> {
    Object.assign(row, change);
    await this.db.getRepository(RecordingExport).update({ id: row.id }, change);
    if (change.status === 'done' || change.status === 'failed') this.lastProgressAt.delete(row.id);
    this.emitter.to(userRoom(row.requestedBy)).emit('export.progress', {
      exportId: row.id,
      status: row.status,
      progress: row.progress,
      error: row.error,
    });
  }
}

/** 2026-12-01T17:43:29.000Z → 20261201T174329Z */
function compact(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
