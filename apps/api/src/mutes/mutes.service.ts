import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertType, CreateMute, MuteView } from '@xueliang/contracts';
import { AlertMute, auditAction } from '@xueliang/db';
import { assertVisible, inSubtree, type AuthUser } from '@xueliang/auth';

interface MuteRow {
  id: string;
  camera_id: string | null;
  checkpoint_id: string | null;
  alert_type: AlertType | null;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by_id: string | null;
  cancelled_at: Date | null;
  active: boolean;
  muted_events: string;
  region_id: string;
}

/**
 * Maintenance windows: a muted camera's or checkpoint's events are recorded and counted by the
 * alert-service but raise nothing. A mute ends by itself at endsAt; DELETE ends it early.
 */
@Injectable()
export class MutesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(actor: AuthUser, all: boolean): Promise<MuteView[]> {
    const subtree = inSubtree('COALESCE(c.region_path, p.region_path)', actor.regionPath, 1);
    const rows = await this.db.query<MuteRow[]>(
      `${SELECT_MUTES} WHERE ${subtree.sql}
         ${all ? '' : 'AND m.cancelled_at IS NULL AND m.ends_at > now()'}
       ORDER BY m.created_at DESC LIMIT 500`,
      [subtree.param],
    );
    return rows.map(toView);
  }

  async create(actor: AuthUser, input: CreateMute, ip: string): Promise<MuteView> {
    const subject = await this.subject(actor, input.cameraId ?? null, input.checkpointId ?? null);
    const now = new Date();
    const id = await this.db.transaction(async (tx) => {
      const mute = await tx.save(
        tx.create(AlertMute, {
          cameraId: input.cameraId ?? null,
          checkpointId: input.checkpointId ?? null,
          alertType: input.alertType ?? null,
          startsAt: now,
          endsAt: new Date(now.getTime() + input.minutes * 60_000),
          reason: input.reason,
          createdById: actor.id,
        }),
      );
      await auditAction(tx, actor, ip, {
        action: 'mute.create',
        targetType: 'mute',
        targetId: mute.id,
        regionId: subject.regionId,
        detail: {
          cameraId: mute.cameraId,
          checkpointId: mute.checkpointId,
          alertType: mute.alertType,
          minutes: input.minutes,
        },
      });
      return mute.id;
    });
    return this.get(id);
  }

  async cancel(actor: AuthUser, id: string, ip: string): Promise<MuteView> {
    const mute = await this.get(id);
    await this.subject(actor, mute.cameraId, mute.checkpointId);
    if (!mute.cancelledAt) {
      await this.db.transaction(async (tx) => {
        await tx.update(AlertMute, { id }, { cancelledAt: new Date() });
        await auditAction(tx, actor, ip, {
          action: 'mute.cancel',
          targetType: 'mute',
          targetId: id,
        });
      });
    }
    return this.get(id);
  }

  private async get(id: string): Promise<MuteView> {
    const [row] = await this.db.query<MuteRow[]>(`${SELECT_MUTES} WHERE m.id = $1`, [id]);
    if (!row) throw new NotFoundException('mute not found');
    return toView(row);
  }

  private async subject(
    actor: AuthUser,
    cameraId: string | null,
    checkpointId: string | null,
  ): Promise<{ regionId: string }> {
    const [row] = await this.db.query<{ region_id: string; region_path: string }[]>(
      cameraId
        ? 'SELECT region_id, region_path FROM cameras WHERE id = $1'
        : 'SELECT region_id, region_path FROM checkpoints WHERE id = $1',
      [cameraId ?? checkpointId],
    );
    const what = cameraId ? 'camera' : 'checkpoint';
    if (!row) throw new NotFoundException(`${what} not found`);
    assertVisible(actor, row.region_path, what);
    return { regionId: row.region_id };
  }
}

const SELECT_MUTES = `
  SELECT m.*, COALESCE(c.region_id, p.region_id) AS region_id,
         (m.cancelled_at IS NULL AND m.starts_at <= now() AND m.ends_at > now()) AS active,
         (SELECT count(*) FROM raw_events e
           WHERE e.muted AND e.received_at >= m.starts_at AND e.received_at < LEAST(m.ends_at, COALESCE(m.cancelled_at, m.ends_at))
             AND (e.payload->>'cameraId' = m.camera_id::text OR e.payload->>'checkpointId' = m.checkpoint_id::text)
             AND (m.alert_type IS NULL OR e.type = m.alert_type)) AS muted_events
    FROM alert_mutes m
    LEFT JOIN cameras c ON c.id = m.camera_id
    LEFT JOIN checkpoints p ON p.id = m.checkpoint_id`;

function toView(r: MuteRow): MuteView {
  return {
    id: r.id,
    cameraId: r.camera_id,
    checkpointId: r.checkpoint_id,
    alertType: r.alert_type,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    reason: r.reason,
    createdById: r.created_by_id,
    cancelledAt: r.cancelled_at ? r.cancelled_at.toISOString() : null,
    active: r.active,
    mutedEvents: Number(r.muted_events),
  };
}
