import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEntry, Region } from '@xueliang/db';
import { scopeToRegionOrUnplaced, type AuthUser } from '@xueliang/auth';

/** What a reader may ask of the audit log; the controller validates it. */
export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  actorId?: string;
  /** Keyset: only entries older than this id. */
  before?: number;
  limit: number;
}

/**
 * Reads of the audit log, newest first, inside the reader's region subtree as region-scope
 * decides it. An entry is filed under a region when it is written (a refused cross-region
 * attempt under the caller's region), so the reader's scope is all there is to apply.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(user: AuthUser, f: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const qb = this.db
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .leftJoin(Region, 'r', 'r.id = a.regionId')
      .orderBy('a.id', 'DESC')
      .limit(f.limit);
    scopeToRegionOrUnplaced(qb, user, 'r.path');
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.targetType) qb.andWhere('a.targetType = :targetType', { targetType: f.targetType });
    if (f.targetId) qb.andWhere('a.targetId = :targetId', { targetId: f.targetId });
    if (f.actorId) qb.andWhere('a.actorId = :actorId', { actorId: f.actorId });
    if (f.before) qb.andWhere('a.id < :before', { before: f.before });
    const items = await qb.getMany();
    return { items, nextCursor: items.length === f.limit ? items[items.length - 1].id : null };
  }
}
