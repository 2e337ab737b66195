import { Body, Controller, Delete, Get, Ip, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  CreateIntegrationKeySchema,
  type CreatedIntegrationKey,
  type CreateIntegrationKey,
  type IntegrationKeyView,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { IntegrationsService } from './integrations.service';

@Controller('integrations')
@RequireRoles(...rolesFor('admin.manage'))
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<IntegrationKeyView[]> {
    return this.integrations.list(user);
  }

  /** The answer holds the key itself; it is never shown again. */
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateIntegrationKeySchema)) body: CreateIntegrationKey,
    @Ip() ip: string,
  ): Promise<CreatedIntegrationKey> {
    return this.integrations.create(user, body, ip);
  }

  /** Revokes (the row stays for the audit trail). */
  @Delete(':id')
  revoke(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
  ): Promise<IntegrationKeyView> {
    return this.integrations.revoke(user, id, ip);
  }
}
