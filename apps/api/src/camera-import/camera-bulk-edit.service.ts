import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import {
  DEFAULT_RECORDING_POLICY,
  type BulkCameraEdit,
  type BulkCameraEditResult,
} from '@xueliang/contracts';
import { assertWritable, type AuthUser, inSubtreeOf } from '@xueliang/auth';
import { auditAction, Camera, RecordingPolicyRecord } from '@xueliang/db';
import { MutesService } from '../mutes/mutes.service';
import { RegionsService } from '../regions/regions.service';

/**
 * One change to many cameras from the cameras list: move to a region, set the recording policy,
 * mute or unmute (through the mutes service, as one mute at a time would). Cameras the caller
 * cannot see are reported as not found and never touched; each changed camera gets its own
 * audit entry, and the whole edit one more.
 */
@Injectable()
export class CameraBulkEditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly regions: RegionsService,
    private readonly mutes: MutesService,
  ) {}

  async apply(user: AuthUser, edit: BulkCameraEdit, ip: string): Promise<BulkCameraEditResult> {
    const ids = [...new Set(edit.ids)];
    const found = await this.db.getRepository(Camera).find({
      select: { id: true, regionId: true, regionPath: true },
      where: { id: In(ids) },
    });
    const cameras = found.filter((c) => inSubtreeOf(c.regionPath, user.regionPath));
    const visible = new Set(cameras.map((c) => c.id));
    const notFound = ids.filter((id) => !visible.has(id));
    let changed = 0;

    if (edit.action === 'move') {
      const region = await this.regions.findVisible(user, edit.regionId);
      assertWritable(user, region.path);
      await this.db.transaction(async (tx) => {
        if (cameras.length) {
          await tx.update(
            Camera,
            { id: In(cameras.map((c) => c.id)) },
            { regionId: region.id, regionPath: region.path },
          );
        }
        for (const c of cameras) {
          await auditAction(tx, user, ip, {
            action: 'camera.update',
            targetType: 'camera',
            targetId: c.id,
            regionId: region.id,
            detail: { fields: ['regionId'], from: c.regionId, bulk: true },
          });
        }
        await this.auditBulk(tx, user, ip, edit.action, cameras.length, notFound.length, {
          regionId: region.id,
        });
      });
      changed = cameras.length;
    } else if (edit.action === 'recording-policy') {
      await this.db.transaction(async (tx) => {
        const current = new Map(
          (cameras.length
            ? await tx.find(RecordingPolicyRecord, { where: { cameraId: In(cameras.map((c) => c.id)) } })
            : []
          ).map((p) => [p.cameraId, p]),
        );
        for (const c of cameras) {
          const base = current.get(c.id) ?? { ...DEFAULT_RECORDING_POLICY };
          await tx.save(
            tx.create(RecordingPolicyRecord, {
              cameraId: c.id,
              mode: edit.policy.mode ?? base.mode,
              stream: edit.policy.stream ?? base.stream,
              preEventSeconds: base.preEventSeconds,
              postEventSeconds: base.postEventSeconds,
              retentionDays: edit.policy.retentionDays ?? base.retentionDays,
              updatedBy: user.id,
            }),
          );
          await auditAction(tx, user, ip, {
            action: 'recording.policy.update',
            targetType: 'camera',
            targetId: c.id,
            regionId: c.regionId,
            detail: { ...edit.policy, bulk: true },
          });
        }
        await this.auditBulk(tx, user, ip, edit.action, cameras.length, notFound.length, { ...edit.policy });
      });
      changed = cameras.length;
    } else if (edit.action === 'mute') {
      // Through the mutes service: the same rows, checks and audit entries as one mute at a time.
      for (const c of cameras) {
        await this.mutes.create(user, { cameraId: c.id, minutes: edit.minutes, reason: edit.reason }, ip);
        changed++;
      }
      await this.auditBulk(this.db.manager, user, ip, edit.action, changed, notFound.length, {
        minutes: edit.minutes,
      });
    } else {
      const active = cameras.length
        ? await this.db.query<{ id: string }[]>(
            `SELECT id FROM alert_mutes
              WHERE camera_id = ANY($1) AND cancelled_at IS NULL AND ends_at > now()`,
            [cameras.map((c) => c.id)],
          )
        : [];
      for (const m of active) await this.mutes.cancel(user, m.id, ip);
      changed = active.length;
      await this.auditBulk(this.db.manager, user, ip, edit.action, changed, notFound.length, {});
    }
    return { action: edit.action, changed, notFound };
  }

  private auditBulk(
    manager: DataSource['manager'],
    user: AuthUser,
    ip: string,
    action: BulkCameraEdit['action'],
    changed: number,
    notFound: number,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return auditAction(manager, user, ip, {
      action: 'camera.bulk-edit',
      targetType: 'camera',
      regionId: user.regionId,
      detail: { bulkAction: action, changed, notFound, ...detail },
    });
  }
}
