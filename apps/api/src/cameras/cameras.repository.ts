import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CameraStatus } from '@xueliang/contracts';
import { AuthUser, escapeLike, scopeToRegion, whereInSubtree } from '@xueliang/auth';
import { auditAction, type AuditActor, type AuditedAction, Camera, Region } from '@xueliang/db';

export type CameraWithRegion = Camera & { region: Region };

/** Who did it, from where: every write of the register is audited in its own transaction. */
export interface AuditedBy {
  actor: AuditActor;
  ip: string | null;
}

/** The map and list filters, already resolved by the service (a region is a visible subtree). */
export interface CameraFilter {
  /** Only cameras in this region's subtree. */
  subtreePath?: string;
  status?: CameraStatus;
  nameContains?: string;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  limit: number;
}

/**
 * The camera register in PostgreSQL: every query of CamerasService, and the audit entry that goes
 * with each write (same transaction, so an action and its record commit together).
 */
@Injectable()
export class CamerasRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The cameras the user may see that pass the filter, by name. */
  async list(user: AuthUser, filter: CameraFilter): Promise<CameraWithRegion[]> {
    const qb = this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .innerJoinAndMapOne('c.region', Region, 'r', 'r.id = c.regionId');
    scopeToRegion(qb, user, 'c.regionPath');
    if (filter.subtreePath !== undefined) whereInSubtree(qb, 'c.regionPath', filter.subtreePath, 'sub');
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.nameContains) qb.andWhere('c.name ILIKE :q', { q: `%${escapeLike(filter.nameContains)}%` });
    if (filter.bbox) {
      qb.andWhere('c.lon BETWEEN :minLon AND :maxLon AND c.lat BETWEEN :minLat AND :maxLat', filter.bbox);
    }
    return (await qb.orderBy('c.name', 'ASC').take(filter.limit).getMany()) as CameraWithRegion[];
  }

  /** One camera with its region, whoever may see it (the service decides visibility). */
  async findWithRegion(id: string): Promise<CameraWithRegion | null> {
    const c = await this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .innerJoinAndMapOne('c.region', Region, 'r', 'r.id = c.regionId')
      .where('c.id = :id', { id })
      .getOne();
    return c as CameraWithRegion | null;
  }

  existsAtAddress(onvifAddress: string): Promise<boolean> {
    return this.db.getRepository(Camera).existsBy({ onvifAddress });
  }

  /** Whether another camera (not `exceptId`) carries this national code. */
  async nationalCodeTaken(nationalCode: string, exceptId?: string): Promise<boolean> {
    const qb = this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .where('c.nationalCode = :nationalCode', { nationalCode });
    if (exceptId) qb.andWhere('c.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  /** Registered cameras among these ONVIF addresses: address → camera id. */
  async idsByAddress(addresses: string[]): Promise<Map<string, string>> {
    if (!addresses.length) return new Map();
    const rows = await this.db
      .getRepository(Camera)
      .createQueryBuilder('c')
      .select(['c.id', 'c.onvifAddress'])
      .where('c.onvifAddress IN (:...addresses)', { addresses })
      .getMany();
    return new Map(rows.map((c) => [c.onvifAddress, c.id]));
  }

  /** Stores a new camera and its audit entry; `action` describes it once it has its id. */
  create(values: Partial<Camera>, by: AuditedBy, action: (camera: Camera) => AuditedAction): Promise<Camera> {
    return this.db.transaction(async (tx) => {
      const camera = await tx.save(tx.create(Camera, values));
      await auditAction(tx, by.actor, by.ip, action(camera));
      return camera;
    });
  }

  /** Writes only the changed columns (a status the gateway set meanwhile stays) and the audit entry. */
  update(id: string, changes: Partial<Camera>, by: AuditedBy, action: AuditedAction): Promise<void> {
    return this.db.transaction(async (tx) => {
      if (Object.keys(changes).length) await tx.update(Camera, { id }, changes);
      await auditAction(tx, by.actor, by.ip, action);
    });
  }

  remove(id: string, by: AuditedBy, action: AuditedAction): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.delete(Camera, { id });
      await auditAction(tx, by.actor, by.ip, action);
    });
  }

  /** An audit entry for an operation that changes no row (PTZ, snapshot, discovery). */
  audit(by: AuditedBy, action: AuditedAction): Promise<void> {
    return auditAction(this.db.manager, by.actor, by.ip, action);
  }
}
