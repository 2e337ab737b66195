import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  CreateRegionSchema,
  UpdateRegionSchema,
  type CreateRegion,
  type RegionView,
  type UpdateRegion,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { RegionsService } from './regions.service';

@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<RegionView[]> {
    return this.regions.list(user);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<RegionView> {
    return this.regions.get(user, id);
  }

  @Post()
  @RequireRoles(...rolesFor('admin.manage'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateRegionSchema)) body: CreateRegion,
    @Ip() ip: string,
  ): Promise<RegionView> {
    return this.regions.create(user, body, ip);
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('admin.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateRegionSchema)) body: UpdateRegion,
    @Ip() ip: string,
  ): Promise<RegionView> {
    return this.regions.update(user, id, body, ip);
  }
}
