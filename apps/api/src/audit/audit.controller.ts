import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { AuditService } from './audit.service';

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
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Query(valid(AuditQuerySchema)) q: z.infer<typeof AuditQuerySchema>) {
    return this.audit.list(user, q);
  }
}
