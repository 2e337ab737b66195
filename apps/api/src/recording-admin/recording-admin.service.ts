import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  type CameraRecordingStateView,
  type RecordingHealthView,
  type RecordingMode,
  type RecordingPolicy,
  RecordingPolicySchema,
  type RecordingPolicyView,
  type RecordingStorageView,
  type StreamKind,
  type UpdateRecordingPolicy,
} from '@xueliang/contracts';
import { assertVisible, assertWritable, type AuthUser } from '@xueliang/auth';
import type { RecordingPolicyRecord } from '@xueliang/db';
import {
  recordingBytesKey,
  recordingPolicyChannel,
  type RecordingState,
  RecordingStateSchema,
  recordingStateKey,
  recordingStorageKey,
} from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';
import { RECORDING_DEFAULTS } from './recording-defaults';
import { type CameraPlace, RecordingAdminRepository } from './recording-admin.repository';

const policyOf = (r: RecordingPolicyRecord): RecordingPolicy => ({
  mode: r.mode,
  stream: r.stream,
  preEventSeconds: r.preEventSeconds,
  postEventSeconds: r.postEventSeconds,
  retentionDays: r.retentionDays,
});

function parseJson<T>(text: string | null | undefined, parse: (v: unknown) => T | null): T | null {
  if (!text) return null;
  try {
    return parse(JSON.parse(text));
  } catch {
    return null;
  }
}

/** A path of one code ("620799.") is the county's: the top of the region tree. */
const atTreeTop = (user: AuthUser): boolean => user.regionPath.split('.').length <= 2;

const DAY_MS = 86_400_000;

/**
 * Recording policies per camera (technicians) and the recording health view: what each gateway
 * says about its disk and its cameras (Redis) next to what the index holds (PostgreSQL).
 */
@Injectable()
export class RecordingAdminService {
  private readonly log = new Logger('recording');
  private readonly prefix: string;

  constructor(
    private readonly repo: RecordingAdminRepository,
    @Inject(RECORDING_DEFAULTS) private readonly defaults: RecordingPolicy,
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = config.REDIS_PREFIX;
  }

  private async camera(user: AuthUser, id: string): Promise<CameraPlace> {
    const [camera] = await this.repo.cameras([id]);
    if (!camera) throw new NotFoundException('camera not found');
    assertVisible(user, camera.regionPath, 'camera');
    return camera;
  }

  async getPolicy(user: AuthUser, cameraId: string): Promise<RecordingPolicyView> {
    await this.camera(user, cameraId);
    const stored = await this.repo.policy(cameraId);
    return this.view(cameraId, stored);
  }

  /** A partial update over the stored policy (or the platform default), audited, then announced. */
  async updatePolicy(
    user: AuthUser,
    cameraId: string,
    patch: UpdateRecordingPolicy,
    ip: string | null,
  ): Promise<RecordingPolicyView> {
    const camera = await this.camera(user, cameraId);
    assertWritable(user, camera.regionPath, 'camera');
    const stored = await this.repo.policy(cameraId);
    const before = stored ? policyOf(stored) : this.defaults;
    const after = RecordingPolicySchema.parse({ ...before, ...patch });
    const saved = await this.repo.savePolicy(cameraId, after, user, ip, {
      action: 'recording.policy',
      targetType: 'camera',
      targetId: cameraId,
      regionId: camera.regionId,
      detail: { camera: camera.name, before, after, custom: stored !== null },
    });
    try {
      await this.redis.publish(recordingPolicyChannel(this.prefix), JSON.stringify({ cameraId }));
    } catch (err) {
      // Saved and audited; the recorder also re-reads policies when it (re)starts a camera.
      this.log.warn(`recording policy change not announced: ${(err as Error).message}`);
    }
    return this.view(cameraId, saved);
  }

  private view(cameraId: string, stored: RecordingPolicyRecord | null): RecordingPolicyView {
    return {
      cameraId,
      ...(stored ? policyOf(stored) : this.defaults),
      custom: stored !== null,
      updatedAt: stored?.updatedAt.toISOString() ?? null,
    };
  }

  /**
   * Cameras of the user's scope that should record or hold footage, with what their gateway
   * reports; gateway disks for users at the top of the tree (a disk serves every township).
   */
  async health(user: AuthUser): Promise<RecordingHealthView> {
    const rows = await this.repo.camerasWithFootage(user);
    const [states, storage] = await Promise.all([
      this.redis.hgetall(recordingStateKey(this.prefix)),
      this.redis.hgetall(recordingStorageKey(this.prefix)),
    ]);
    const gateways = Object.values(storage)
      .map((text) => parseJson(text, (v) => v as RecordingStorageView))
      .filter((v): v is RecordingStorageView => v !== null && typeof v.gatewayId === 'string')
      .sort((a, b) => a.gatewayId.localeCompare(b.gatewayId));
    const bytes = new Map<string, number>();
    const ids = rows.map((r) => r.id);
    if (ids.length) {
      const perGateway = await Promise.all(
        gateways.map((g) => this.redis.hmget(recordingBytesKey(this.prefix, g.gatewayId), ...ids)),
      );
      for (const values of perGateway) {
        values.forEach((v, i) => {
          if (v) bytes.set(ids[i], (bytes.get(ids[i]) ?? 0) + Number(v));
        });
      }
    }
    const cameras: CameraRecordingStateView[] = [];
    for (const r of rows) {
      const state = parseJson(states[r.id], (v): RecordingState | null => {
        const parsed = RecordingStateSchema.safeParse(v);
        return parsed.success ? parsed.data : null;
      });
      const mode = state?.mode ?? (r.mode as RecordingMode | null) ?? this.defaults.mode;
      const stream = state?.stream ?? (r.stream as StreamKind | null) ?? this.defaults.stream;
      if (mode === 'off' && !r.oldest && !state) continue;
      const recording = state?.recording ?? false;
      const reason =
        state?.reason ?? (mode !== 'off' && !state ? 'no gateway reports recording this camera' : null);
      cameras.push({
        cameraId: r.id,
        cameraName: r.name,
        mode,
        stream,
        recording,
        reason,
        oldestAt: r.oldest?.toISOString() ?? null,
        newestAt: r.newest?.toISOString() ?? null,
        retainedDays:
          r.oldest && r.newest
            ? Math.round(((r.newest.getTime() - r.oldest.getTime()) / DAY_MS) * 10) / 10
            : 0,
        bytes: bytes.get(r.id) ?? 0,
      });
    }
    return { storage: atTreeTop(user) ? gateways : [], cameras };
  }
}
