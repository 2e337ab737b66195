import { Readable } from 'node:stream';
import {
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationShutdown,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, In } from 'typeorm';
import {
  type CreateExport,
  type ExportListQuery,
  type ExportPublicKeyView,
  type ExportView,
  type StreamKind,
} from '@xueliang/contracts';
import { assertVisible, type AuthUser, inScope } from '@xueliang/auth';
import { auditAction, Camera, RecordingExport, RecordingSegment, User } from '@xueliang/db';
import { gatewayKey, gatewayRoutes, INTERNAL_TOKEN_HEADER, internalToken } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, InjectRedis, loadEvidenceKey } from '@xueliang/platform';
import { recordingExportsQueue, type RecordingExportJob } from '@xueliang/queue';
import { GatewayClient } from '../live-video/gateway-client.service';

/** Who may see every export of cameras in their subtree, not just their own (docs/RECORDING.md). */
const OVERSEERS = new Set(['supervisor', 'admin']);

/** A file of an export, streamed from the gateway that wrote it. */
export interface ExportDownload {
  contentType: string;
  contentLength: string | null;
  body: Readable;
}

/**
 * Evidence exports in the api: requests (scoped, audited, queued to the gateways), the list and
 * rows, downloads through the gateway that made the files, and deletion. Visibility: a user sees
 * the exports they requested; supervisors and admins also see every export whose cameras all lie
 * in their subtree. Anything else is 404, as if it did not exist.
 */
@Injectable()
export class ExportsService implements OnApplicationShutdown {
  private readonly log = new Logger('exports');
  private readonly queue: Queue<RecordingExportJob>;
  private readonly publicKey: ExportPublicKeyView;
  private readonly token: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
    private readonly gateways: GatewayClient,
  ) {
    this.queue = recordingExportsQueue(redis, config.REDIS_PREFIX);
    const key = loadEvidenceKey(config.EVIDENCE_SIGNING_KEY);
    this.publicKey = { algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyPem };
    this.token = internalToken(config.JWT_SECRET);
  }

  publicKeyView(): ExportPublicKeyView {
    return this.publicKey;
  }

  async create(user: AuthUser, input: CreateExport, ip: string): Promise<ExportView> {
    const ids = [...new Set(input.items.map((i) => i.cameraId))];
    const cameras = await this.db.getRepository(Camera).findBy({ id: In(ids) });
    const byId = new Map(cameras.map((c) => [c.id, c]));
    for (const id of ids) {
      const camera = byId.get(id);
      if (!camera) throw new NotFoundException('camera not found');
      // Out of scope: the same 404, and the audit interceptor records the attempt.
      assertVisible(user, camera.regionPath, 'camera');
    }
    for (const [index, item] of input.items.entries()) {
      if (!(await this.hasFootage(item.cameraId, item.stream, item.from, item.to))) {
        const message = `no recorded${item.stream ? ` ${item.stream}` : ''} footage in this range`;
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `items.${index}: ${message}`,
          issues: [{ path: `items.${index}`, message }],
        });
      }
    }
    const first = byId.get(input.items[0].cameraId)!;
    const row = await this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(RecordingExport).save(
        tx.getRepository(RecordingExport).create({
          status: 'queued',
          progress: 0,
          items: input.items,
          regionPaths: [...new Set(cameras.map((c) => c.regionPath))],
          reason: input.reason,
          alertId: input.alertId ?? null,
          requestedBy: user.id,
        }),
      );
      await auditAction(tx, user, ip, {
        action: 'recording.export',
        targetType: 'recording_export',
        targetId: saved.id,
        regionId: first.regionId,
        detail: { items: input.items, reason: input.reason, alertId: input.alertId ?? null },
      });
      return saved;
    });
    try {
      await this.queue.add('export', { exportId: row.id }, { jobId: row.id });
    } catch (error) {
      await this.db
        .getRepository(RecordingExport)
        .update({ id: row.id }, { status: 'failed', error: 'could not be queued', finishedAt: new Date() });
      this.log.warn(`export ${row.id} not queued: ${(error as Error).message}`);
      throw new ServiceUnavailableException('the export queue is unavailable; try again');
    }
    return this.view(row);
  }

  async list(user: AuthUser, q: ExportListQuery): Promise<ExportView[]> {
    const qb = this.db
      .getRepository(RecordingExport)
      .createQueryBuilder('e')
      .where('e.deletedAt IS NULL')
      .orderBy('e.createdAt', 'DESC')
      .limit(q.limit);
    if (q.status) qb.andWhere('e.status = :status', { status: q.status });
    if (user.roles.some((r) => OVERSEERS.has(r))) {
      qb.andWhere(
        `(e.requestedBy = :me OR NOT EXISTS (SELECT 1 FROM unnest(e.region_paths) p WHERE left(p, length(:root)) <> :root))`,
        { me: user.id, root: user.regionPath },
      );
    } else {
      qb.andWhere('e.requestedBy = :me', { me: user.id });
    }
    const rows = await qb.getMany();
    return this.views(rows);
  }

  async get(user: AuthUser, id: string): Promise<ExportView> {
    return this.view(await this.findVisible(user, id));
  }

  /** The row if this user may see it; 404 otherwise (an out-of-region one is audited as a denial). */
  async findVisible(user: AuthUser, id: string, includeDeleted = false): Promise<RecordingExport> {
    const row = await this.db.getRepository(RecordingExport).findOneBy({ id });
    if (!row || (row.deletedAt && !includeDeleted)) throw new NotFoundException('export not found');
    if (row.requestedBy === user.id) return row;
    for (const path of row.regionPaths) assertVisible(user, path, 'export');
    if (!user.roles.some((r) => OVERSEERS.has(r))) throw new NotFoundException('export not found');
    return row;
  }

  async download(user: AuthUser, id: string, name: string, ip: string): Promise<ExportDownload> {
    const row = await this.findVisible(user, id);
    if (row.status !== 'done' || !row.gatewayId) throw new ConflictException(`export is ${row.status}`);
    if (name !== 'manifest.json' && !row.files.some((f) => f.name === name)) {
      throw new NotFoundException('no such file in this export');
    }
    const base = await this.redis.get(gatewayKey(this.config.REDIS_PREFIX, row.gatewayId));
    if (!base) throw new ServiceUnavailableException('the gateway that holds this export is not running');
    let res: Response;
    try {
      res = await fetch(`${base}${gatewayRoutes.exportFile.path({ id, file: name })}`, {
        headers: { [INTERNAL_TOKEN_HEADER]: this.token },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new ServiceUnavailableException(`camera gateway unavailable (${(err as Error).name})`);
    }
    if (res.status === 404) throw new NotFoundException('the export file is gone from its gateway');
    if (!res.ok || !res.body)
      throw new ServiceUnavailableException('camera gateway could not serve the file');
    await this.audit(user, ip, row, 'recording.export.download', { file: name });
    return {
      contentType: name.endsWith('.json') ? 'application/json' : 'video/mp4',
      contentLength: res.headers.get('content-length'),
      body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
    };
  }

  /** Removes the files, keeps the row (deletedAt, deletedBy) and audits it. */
  async remove(user: AuthUser, id: string, ip: string): Promise<ExportView> {
    const row = await this.findVisible(user, id);
    // Deleting evidence wants the whole export in the deleter's region, own export or not.
    for (const path of row.regionPaths) {
      if (!inScope(user, path)) throw new NotFoundException('export not found');
    }
    if (row.status === 'running')
      throw new ConflictException('export is running; delete it when it has finished');
    if (row.status === 'queued') {
      const job = await this.queue.getJob(row.id);
      await job?.remove().catch(() => undefined);
    }
    let filesRemoved = false;
    if (row.gatewayId) {
      const base = await this.redis.get(gatewayKey(this.config.REDIS_PREFIX, row.gatewayId));
      if (base) {
        const reply = await this.gateways
          .raw(gatewayRoutes.deleteExportFiles, { id }, { baseUrl: base })
          .catch(() => null);
        filesRemoved = reply !== null && reply.status < 300;
      }
      if (!filesRemoved)
        this.log.warn(`export ${id}: files not removed, gateway ${row.gatewayId} unreachable`);
    }
    await this.db.transaction(async (tx) => {
      await tx.getRepository(RecordingExport).update({ id }, { deletedAt: new Date(), deletedBy: user.id });
      await auditAction(tx, user, ip, {
        action: 'recording.export.delete',
        targetType: 'recording_export',
        targetId: id,
        regionId: await this.regionIdOf(row),
        detail: { filesRemoved, files: row.files.map((f) => f.name) },
      });
    });
    return this.view({ ...row, deletedAt: new Date(), deletedBy: user.id });
  }

  async audit(
    user: AuthUser,
    ip: string,
    row: RecordingExport,
    action: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const regionId = await this.regionIdOf(row);
    await this.db.transaction((tx) =>
      auditAction(tx, user, ip, {
        action,
        targetType: 'recording_export',
        targetId: row.id,
        regionId,
        detail,
      }),
    );
  }

  private async regionIdOf(row: RecordingExport): Promise<string | null> {
    const camera = await this.db.getRepository(Camera).findOneBy({ id: row.items[0]?.cameraId });
    return camera?.regionId ?? null;
  }

  private async hasFootage(
    cameraId: string,
    stream: StreamKind | undefined,
    from: string,
    to: string,
  ): Promise<boolean> {
    const qb = this.db
      .getRepository(RecordingSegment)
      .createQueryBuilder('s')
      .where('s.cameraId = :cameraId AND s.startAt < :to AND s.endAt > :from', {
        cameraId,
        from: new Date(from),
        to: new Date(to),
      });
    if (stream) qb.andWhere('s.stream = :stream', { stream });
    return (await qb.limit(1).getCount()) > 0;
  }

  private async view(row: RecordingExport): Promise<ExportView> {
    return (await this.views([row]))[0];
  }

  private async views(rows: RecordingExport[]): Promise<ExportView[]> {
    const ids = [...new Set(rows.map((r) => r.requestedBy))];
    const users = ids.length ? await this.db.getRepository(User).findBy({ id: In(ids) }) : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      progress: r.progress,
      items: r.items,
      reason: r.reason,
      alertId: r.alertId,
      requestedBy: r.requestedBy,
      requestedByName: names.get(r.requestedBy) ?? '',
      createdAt: r.createdAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
      files: r.files,
      error: r.error,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}
