import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  CreateUnitSchema,
  UpdateUnitSchema,
  type CreateUnit,
  type UnitView,
  type UpdateUnit,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { UnitsService } from './units.service';

@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<UnitView[]> {
    return this.units.list(user);
  }

  @Post()
  @RequireRoles(...rolesFor('admin.manage'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateUnitSchema)) body: CreateUnit,
    @Ip() ip: string,
  ): Promise<UnitView> {
    return this.units.create(user, body, ip);
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('admin.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateUnitSchema)) body: UpdateUnit,
    @Ip() ip: string,
  ): Promise<UnitView> {
    return this.units.update(user, id, body, ip);
  }
}
