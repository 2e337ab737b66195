import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateEvidenceLock, EvidenceLockListQuery, EvidenceLockView } from '@xueliang/contracts';
import { assertVisible, type AuthUser } from '@xueliang/auth';
import { type CameraPlace, type LockRow, RecordingAdminRepository } from './recording-admin.repository';

function toView(r: LockRow): EvidenceLockView {
  return {
    id: r.id,
    cameraIds: r.camera_ids,
    from: r.from_at.toISOString(),
    to: r.to_at.toISOString(),
    reason: r.reason,
    alertId: r.alert_id,
    expiresAt: r.expires_at?.toISOString() ?? null,
    createdBy: r.created_by,
    createdByName: r.created_by_name ?? '',
    createdAt: r.created_at.toISOString(),
    releasedAt: r.released_at?.toISOString() ?? null,
    releasedByName: r.released_by_name,
    releaseReason: r.release_reason,
    active: r.active,
  };
}

function fieldError(path: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `${path}: ${message}`,
    issues: [{ path, message }],
  });
}

/**
 * Evidence locks: a supervisor keeps the footage of some cameras over a range beyond retention
 * and quota. Every camera in a lock must be one the user may see (else the 404 of any camera
 * route, audited as a scope refusal); locks and releases are audited in their own transaction.
 */
@Injectable()
export class EvidenceLocksService {
  constructor(private readonly repo: RecordingAdminRepository) {}

  /** The cameras, all visible to the user, or the camera route's 404 for the first that is not. */
  private async visibleCameras(user: AuthUser, ids: string[]): Promise<CameraPlace[]> {
    const unique = [...new Set(ids)];
    const found = new Map((await this.repo.cameras(unique)).map((c) => [c.id, c]));
    return unique.map((id) => {
      const camera = found.get(id);
      if (!camera) throw new NotFoundException('camera not found');
      assertVisible(user, camera.regionPath, 'camera');
      return camera;
    });
  }

  async create(user: AuthUser, input: CreateEvidenceLock, ip: string | null): Promise<EvidenceLockView> {
    if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) {
      throw fieldError('expiresAt', 'must be in the future');
    }
    const cameras = await this.visibleCameras(user, input.cameraIds);
    if (input.alertId) {
      const alertPath = await this.repo.alertRegionPath(input.alertId);
      if (alertPath === null) throw new NotFoundException('alert not found');
      assertVisible(user, alertPath, 'alert');
    }
    const regions = [...new Set(cameras.map((c) => c.regionId))];
    const id = await this.repo.createLock(
      {
        cameraIds: cameras.map((c) => c.id),
        regionPaths: [...new Set(cameras.map((c) => c.regionPath))],
        fromAt: new Date(input.from),
        toAt: new Date(input.to),
        reason: input.reason,
        alertId: input.alertId ?? null,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      },
      user,
      ip,
      (lock) => ({
        action: 'evidence.lock',
        targetType: 'evidence_lock',
        targetId: lock.id,
        // One camera's region when they share it; else the locker's own (it spans their subtree).
        regionId: regions.length === 1 ? regions[0] : user.regionId,
        detail: {
          cameraIds: lock.cameraIds,
          from: input.from,
          to: input.to,
          reason: input.reason,
          alertId: lock.alertId,
          expiresAt: input.expiresAt ?? null,
        },
      }),
    );
    return this.get(user, id);
  }

  async get(user: AuthUser, id: string): Promise<EvidenceLockView> {
    return toView(await this.findInScope(user, id));
  }

  async list(user: AuthUser, q: EvidenceLockListQuery): Promise<EvidenceLockView[]> {
    const rows = await this.repo.listLocks(user, {
      cameraId: q.cameraId,
      active: q.active === undefined ? undefined : q.active === 'true',
      limit: q.limit,
    });
    return rows.map(toView);
  }

  async release(user: AuthUser, id: string, reason: string, ip: string | null): Promise<EvidenceLockView> {
    const lock = await this.findInScope(user, id);
    if (lock.released_at) throw new ConflictException('this evidence lock is already released');
    const regions = await this.repo.cameras(lock.camera_ids);
    const regionIds = [...new Set(regions.map((c) => c.regionId))];
    const released = await this.repo.releaseLock(id, reason, user, ip, {
      action: 'evidence.unlock',
      targetType: 'evidence_lock',
      targetId: id,
      regionId: regionIds.length === 1 ? regionIds[0] : user.regionId,
      detail: { cameraIds: lock.camera_ids, reason, lockReason: lock.reason },
    });
    if (!released) throw new ConflictException('this evidence lock is already released');
    return this.get(user, id);
  }

  /** A lock outside the user's scope answers like a missing one (and is audited as a refusal). */
  private async findInScope(user: AuthUser, id: string): Promise<LockRow> {
    const lock = await this.repo.lockInScope(user, id);
    if (lock) return lock;
    const paths = await this.repo.lockRegionPaths(id);
    // Out of scope: the region that is not the user's throws the audited 404.
    for (const path of paths ?? []) assertVisible(user, path, 'evidence lock');
    throw new NotFoundException('evidence lock not found');
  }
}
