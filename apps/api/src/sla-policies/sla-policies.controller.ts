import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { UpdateSlaPolicySchema, type SlaPolicyView, type UpdateSlaPolicy } from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { SlaPoliciesService } from './sla-policies.service';

@Controller('sla-policies')
export class SlaPoliciesController {
  constructor(private readonly policies: SlaPoliciesService) {}

  @Get()
  @RequireRoles(...rolesFor('sla.view'))
  list(): Promise<SlaPolicyView[]> {
    return this.policies.list();
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('sla.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateSlaPolicySchema)) body: UpdateSlaPolicy,
    @Ip() ip: string,
  ): Promise<SlaPolicyView> {
    return this.policies.update(user, id, body, ip);
  }
}
