import { Controller, Get, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditEntry, Region } from '@xueliang/db';
import { AuthUser, CurrentUser, RequireRoles, rolesFor, scopeToRegion } from '@xueliang/auth';
import { valid } from '@xueliang/platform';

const AuditQuerySchema = z.object({
  action: z.string().max(64).optional(),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(200).optional(),
  actorId: z.uuid().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Read-only view of the audit log, newest first, limited to the reader's region subtree. */
@Controller('audit')
@RequireRoles(...rolesFor('audit.view'))
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @Query(valid(AuditQuerySchema)) q: z.infer<typeof AuditQuerySchema>,
  ) {
    const qb = this.db
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .leftJoin(Region, 'r', 'r.id = a.regionId')
      .orderBy('a.id', 'DESC')
      .limit(q.limit);
    // Entries without a region (e.g. failed sign-ins of unknown names) are the county's business.
    if (user.regionPath.split('.').length > 2) scopeToRegion(qb, user, 'r.path');
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.targetType) qb.andWhere('a.targetType = :targetType', { targetType: q.targetType });
    if (q.targetId) qb.andWhere('a.targetId = :targetId', { targetId: q.targetId });
    if (q.actorId) qb.andWhere('a.actorId = :actorId', { actorId: q.actorId });
    if (q.before) qb.andWhere('a.id < :before', { before: q.before });
    const items = await qb.getMany();
    return { items, nextCursor: items.length === q.limit ? items[items.length - 1].id : null };
  }
}
