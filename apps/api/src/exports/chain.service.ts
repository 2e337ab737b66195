import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ChainProblemKind, ChainVerification } from '@xueliang/contracts';
import type { AuthUser } from '@xueliang/auth';
import { auditAction, RecordingSegment } from '@xueliang/db';
import { gatewayKey, gatewayRoutes, type SegmentHash } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';
import { CamerasService } from '../cameras/cameras.service';
import { GatewayClient, gatewayError } from '../live-video/gateway-client.service';

/** Segments re-hashed per gateway call: a day of one 4 s stream is 21,600. */
const BATCH = 2000;

type Problem = ChainVerification['problems'][number];

/**
 * The hash-chain check of one camera and UTC day (docs/RECORDING.md): every indexed segment's
 * file is re-hashed by the gateway that wrote it (any live gateway when that one is gone: shared
 * storage) and compared with the index, and each segment's prev_sha256 must be the sha256 of the
 * one before it in start order, per stream.
 */
@Injectable()
export class ChainService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
    private readonly cameras: CamerasService,
    private readonly gateways: GatewayClient,
  ) {}

  async verify(user: AuthUser, cameraId: string, day: string, ip: string): Promise<ChainVerification> {
    const camera = await this.cameras.findVisible(user, cameraId);
    const segments = await this.db
      .getRepository(RecordingSegment)
      .createQueryBuilder('s')
      .where('s.cameraId = :cameraId AND s.chainDay = :day', { cameraId, day })
      .orderBy('s.stream', 'ASC')
      .addOrderBy('s.startAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
    const hashes = await this.rehash(segments);
    const problems: Problem[] = [];
    const add = (s: RecordingSegment, kind: ChainProblemKind, detail: string): void => {
      problems.push({ segmentId: s.id, start: s.startAt.toISOString(), kind, detail });
    };
    for (const stream of ['main', 'sub'] as const) {
      const chain = segments.filter((s) => s.stream === stream);
      const position = new Map(chain.map((s, i) => [s.sha256.trim(), i]));
      chain.forEach((s, i) => {
        const h = hashes.get(s.id);
        if (!h || h.state === 'missing') add(s, 'missing', `${stream}: the file is gone`);
        else if (h.state === 'altered')
          add(s, 'altered', `${stream}: the file no longer matches its index hash`);
        const prev = s.prevSha256?.trim() ?? null;
        const expected = i > 0 ? chain[i - 1].sha256.trim() : null;
        if (i === 0) {
          // Retention removes the oldest footage first, so the day's first remaining segment may
          // point at a segment no longer indexed; pointing at a later one of the chain is not that.
          if (prev !== null && position.has(prev)) add(s, 'reordered', `${stream}: links to a later segment`);
          return;
        }
        if (prev === expected) return;
        if (prev !== null && position.has(prev)) {
          add(
            s,
            'reordered',
            `${stream}: links to segment ${chain[position.get(prev)!].id}, not to the one before it`,
          );
        } else {
          add(
            s,
            'broken_link',
            `${stream}: does not link to the segment before it (one was removed or replaced)`,
          );
        }
      });
    }
    const result: ChainVerification = {
      cameraId,
      day,
      segments: segments.length,
      ok: problems.length === 0,
      problems,
    };
    await this.db.transaction((tx) =>
      auditAction(tx, user, ip, {
        action: 'recording.verify',
        targetType: 'camera',
        targetId: cameraId,
        regionId: camera.regionId,
        detail: { day, segments: segments.length, problems: problems.length, ok: result.ok },
      }),
    );
    return result;
  }

  /** Groups segments by the gateway that wrote them and asks each (or any live one) to re-hash. */
  private async rehash(segments: RecordingSegment[]): Promise<Map<string, SegmentHash>> {
    const byGateway = new Map<string, string[]>();
    for (const s of segments) byGateway.set(s.gatewayId, [...(byGateway.get(s.gatewayId) ?? []), s.id]);
    const out = new Map<string, SegmentHash>();
    for (const [gatewayId, ids] of byGateway) {
      const writer = await this.redis.get(gatewayKey(this.config.REDIS_PREFIX, gatewayId));
      const baseUrl = writer ?? (await this.gateways.urlFor());
      for (let i = 0; i < ids.length; i += BATCH) {
        const reply = await this.gateways.raw(
          gatewayRoutes.verifySegments,
          {},
          { json: { ids: ids.slice(i, i + BATCH) }, timeoutMs: 300_000, baseUrl },
        );
        if (reply.status >= 400) throw gatewayError(reply);
        const parsed = gatewayRoutes.verifySegments.answer.parse(JSON.parse(reply.body.toString('utf8')));
        for (const h of parsed) out.set(h.id, h);
      }
    }
    return out;
  }
}
