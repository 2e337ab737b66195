import { timingSafeEqual } from 'node:crypto';
import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RawEventSchema, type AcceptedEvent, type FailedEventView, type RawEvent } from '@xueliang/contracts';
import { inSubtreeOf } from '@xueliang/auth';
import {
  auditAction,
  hashIntegrationKey,
  IntegrationKey,
  KEY_PREFIX_LENGTH,
  recordAudit,
  Region,
} from '@xueliang/db';
import { parseRequest } from '@xueliang/platform';
import { AlertQueues } from './alert-queues';

@Injectable()
export class IntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: AlertQueues,
  ) {}

  /** The integration behind an `x-api-key`, or 401. Revoked keys stop at once. */
  async integrationFor(apiKey: string | undefined): Promise<IntegrationKey> {
    if (!apiKey) throw new UnauthorizedException('missing x-api-key');
    const key = await this.db
      .getRepository(IntegrationKey)
      .findOneBy({ prefix: apiKey.slice(0, KEY_PREFIX_LENGTH) });
    const given = Buffer.from(hashIntegrationKey(apiKey), 'hex');
    if (!key || !timingSafeEqual(given, Buffer.from(key.keyHash, 'hex'))) {
      throw new UnauthorizedException('invalid api key');
    }
    if (key.revokedAt) throw new UnauthorizedException('api key revoked');
    return key;
  }

  /**
   * POST /api/events: the key fixes the source and the region scope. The event's id is the
   * outside system's own id, namespaced by the key so two systems cannot collide.
   */
  async acceptExternal(apiKey: string | undefined, body: unknown): Promise<AcceptedEvent> {
    const key = await this.integrationFor(apiKey);
    const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const parsed = parseRequest(RawEventSchema, { ...raw, source: key.source });
    const event: RawEvent = { ...parsed, id: `ext:${key.prefix}:${parsed.id}`.slice(0, 200) };
    const keyRegion = await this.db.getRepository(Region).findOneByOrFail({ id: key.regionId });
    const path = await this.subjectPath(event);
    if (!path) throw new BadRequestException('regionId: no such region, camera or checkpoint');
    if (!inSubtreeOf(path, keyRegion.path)) {
      throw new ForbiddenException(`the event's region is outside this key's region (${keyRegion.name})`);
    }
    await this.queues.enqueue(event);
    await this.db.transaction(async (tx) => {
      await tx.update(IntegrationKey, { id: key.id }, { lastUsedAt: new Date() });
      await recordAudit(tx, {
        actorId: null,
        actorName: `integration:${key.name}`.slice(0, 64),
        action: 'event.receive',
        targetType: 'raw_event',
        targetId: event.id,
        regionId: key.regionId,
        detail: { type: event.type, source: event.source },
      });
    });
    return { eventId: event.id };
  }

  private async subjectPath(event: RawEvent): Promise<string | null> {
    const [row] = event.cameraId
      ? await this.db.query<{ path: string }[]>('SELECT region_path AS path FROM cameras WHERE id = $1', [
          event.cameraId,
        ])
      : event.checkpointId
        ? await this.db.query<{ path: string }[]>(
            'SELECT region_path AS path FROM checkpoints WHERE id = $1',
            [event.checkpointId],
          )
        : await this.db.query<{ path: string }[]>('SELECT path FROM regions WHERE id = $1', [event.regionId]);
    return row?.path ?? null;
  }

  async failedEvents(limit = 200): Promise<FailedEventView[]> {
    const jobs = await this.queues.events.getFailed(0, limit - 1);
    return jobs.map((j) => ({
      jobId: String(j.id),
      eventId: typeof (j.data as { id?: unknown })?.id === 'string' ? (j.data as { id: string }).id : null,
      reason: j.failedReason ?? '',
      attemptsMade: j.attemptsMade,
      failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      data: j.data,
    }));
  }

  async retryFailed(jobId: string, actor: { id: string; username: string }): Promise<{ jobId: string }> {
    const job = await this.queues.events.getJob(jobId);
    if (!job || !(await job.isFailed())) throw new NotFoundException('no failed event job with that id');
    await job.retry('failed');
    await auditAction(this.db.manager, actor, null, {
      action: 'event.retry',
      targetType: 'raw_event',
      targetId: jobId,
    });
    return { jobId };
  }
}
