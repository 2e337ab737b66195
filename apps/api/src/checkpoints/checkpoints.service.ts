import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  CheckpointPassRecordSchema,
  type CheckpointView,
  type CreateCheckpoint,
  type RawEvent,
  type UpdateCheckpoint,
} from '@xueliang/contracts';
import { assertVisible, assertWritable, AuthUser, inSubtreeOf, scopeToRegion } from '@xueliang/auth';
import { auditAction, Checkpoint, Region } from '@xueliang/db';
import { parseRequest } from '@xueliang/platform';
import { AlertQueues } from '../intake/alert-queues';
import { IntakeService } from '../intake/intake.service';
import { RegionsService } from '../regions/regions.service';

const ALARM_TITLES: Record<string, string> = {
  speeding: '超速',
  wrong_way: '逆行',
  checkpoint_fault: '卡口设备故障',
};

type CheckpointWithRegion = Checkpoint & { region: Region };

/** Road checkpoints (卡口): region-scoped register, like cameras. */
@Injectable()
export class CheckpointsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly regions: RegionsService,
    private readonly intake: IntakeService,
    private readonly queues: AlertQueues,
  ) {}

  /**
   * A checkpoint's vehicle pass (x-api-key of an integration whose region holds the checkpoint).
   * Passes keep the checkpoint's last-seen time; only alarms become RawEvents, keyed by the
   * checkpoint's own pass id so a retried POST is a no-op. Passes themselves are not stored.
   */
  async ingestPass(
    apiKey: string | undefined,
    body: unknown,
  ): Promise<{ accepted: true; eventId: string | null }> {
    const key = await this.intake.integrationFor(apiKey);
    const pass = parseRequest(CheckpointPassRecordSchema, body);
    const checkpoint = await this.db.getRepository(Checkpoint).findOneBy({ code: pass.checkpointCode });
    if (!checkpoint) throw new NotFoundException(`checkpointCode: no checkpoint ${pass.checkpointCode}`);
    const keyRegion = await this.db.getRepository(Region).findOneByOrFail({ id: key.regionId });
    if (!inSubtreeOf(checkpoint.regionPath, keyRegion.path)) {
      throw new ForbiddenException(`the checkpoint is outside this key's region (${keyRegion.name})`);
    }
    await this.db
      .getRepository(Checkpoint)
      .update({ id: checkpoint.id }, { status: 'online', lastSeenAt: new Date() });
    if (!pass.alarm) return { accepted: true, eventId: null };
    const event: RawEvent = {
      id: `ckp:${checkpoint.id}:${pass.passId}`.slice(0, 200),
      source: 'checkpoint',
      type: 'checkpoint_alarm',
      occurredAt: pass.passedAt,
      checkpointId: checkpoint.id,
      regionId: checkpoint.regionId,
      location: { lon: checkpoint.lon, lat: checkpoint.lat },
      title: `${ALARM_TITLES[pass.alarm] ?? pass.alarm} · ${checkpoint.name}`.slice(0, 200),
      attributes: {
        alarm: pass.alarm,
        lane: pass.lane ?? null,
        speedKmh: pass.speedKmh ?? null,
        speedLimitKmh: pass.speedLimitKmh ?? null,
        direction: pass.direction ?? null,
        vehicleType: pass.vehicleType ?? null,
      },
    };
    await this.queues.enqueue(event);
    return { accepted: true, eventId: event.id };
  }

  async list(user: AuthUser): Promise<CheckpointView[]> {
    const qb = this.db
      .getRepository(Checkpoint)
      .createQueryBuilder('k')
      .innerJoinAndMapOne('k.region', Region, 'r', 'r.id = k.regionId');
    scopeToRegion(qb, user, 'k.regionPath');
    const rows = (await qb.orderBy('k.code', 'ASC').getMany()) as CheckpointWithRegion[];
    return rows.map((k) => toCheckpointView(k, k.region));
  }

  async findVisible(user: AuthUser, id: string): Promise<CheckpointWithRegion> {
    const k = await this.db
      .getRepository(Checkpoint)
      .createQueryBuilder('k')
      .innerJoinAndMapOne('k.region', Region, 'r', 'r.id = k.regionId')
      .where('k.id = :id', { id })
      .getOne();
    if (!k) throw new NotFoundException('checkpoint not found');
    assertVisible(user, k.regionPath, 'checkpoint');
    return k as CheckpointWithRegion;
  }

  async get(user: AuthUser, id: string): Promise<CheckpointView> {
    const k = await this.findVisible(user, id);
    return toCheckpointView(k, k.region);
  }

  async create(user: AuthUser, input: CreateCheckpoint, ip: string): Promise<CheckpointView> {
    const region = await this.regions.findVisible(user, input.regionId);
    assertWritable(user, region.path);
    return this.db.transaction(async (tx) => {
      const k = await tx.save(
        tx.create(Checkpoint, {
          code: input.code,
          name: input.name,
          regionId: region.id,
          regionPath: region.path,
          lon: input.location.lon,
          lat: input.location.lat,
          road: input.road,
          direction: input.direction,
          lanes: input.lanes,
        }),
      );
      await auditAction(tx, user, ip, {
        action: 'checkpoint.create',
        targetType: 'checkpoint',
        targetId: k.id,
        regionId: region.id,
        detail: { code: k.code, name: k.name },
      });
      return toCheckpointView(k, region);
    });
  }

  async update(user: AuthUser, id: string, input: UpdateCheckpoint, ip: string): Promise<CheckpointView> {
    const k = await this.findVisible(user, id);
    assertWritable(user, k.regionPath, 'checkpoint');
    let region = k.region;
    if (input.regionId && input.regionId !== k.regionId) {
      region = await this.regions.findVisible(user, input.regionId);
      assertWritable(user, region.path);
      k.regionId = region.id;
      k.regionPath = region.path;
    }
    if (input.name !== undefined) k.name = input.name;
    if (input.location) {
      k.lon = input.location.lon;
      k.lat = input.location.lat;
    }
    if (input.road !== undefined) k.road = input.road;
    if (input.direction !== undefined) k.direction = input.direction;
    if (input.lanes !== undefined) k.lanes = input.lanes;
    const { region: _r, ...row } = k;
    return this.db.transaction(async (tx) => {
      await tx.save(Checkpoint, row);
      await auditAction(tx, user, ip, {
        action: 'checkpoint.update',
        targetType: 'checkpoint',
        targetId: k.id,
        regionId: k.regionId,
        detail: { fields: Object.keys(input) },
      });
      return toCheckpointView(k, region);
    });
  }

  async remove(user: AuthUser, id: string, ip: string): Promise<void> {
    const k = await this.findVisible(user, id);
    assertWritable(user, k.regionPath, 'checkpoint');
    await this.db.transaction(async (tx) => {
      await tx.delete(Checkpoint, { id });
      await auditAction(tx, user, ip, {
        action: 'checkpoint.delete',
        targetType: 'checkpoint',
        targetId: id,
        regionId: k.regionId,
        detail: { code: k.code },
      });
    });
  }
}

function toCheckpointView(k: Checkpoint, region: Region): CheckpointView {
  return {
    id: k.id,
    code: k.code,
    name: k.name,
    regionId: k.regionId,
    regionName: region.name,
    location: { lon: k.lon, lat: k.lat },
    road: k.road,
    direction: k.direction,
    lanes: k.lanes,
    status: k.status,
    lastSeenAt: k.lastSeenAt?.toISOString() ?? null,
  };
}
