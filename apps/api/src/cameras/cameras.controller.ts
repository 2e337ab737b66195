import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  CameraListQuerySchema,
  LiveRequestSchema,
  PtzCommandSchema,
  RegisterCameraSchema,
  UpdateCameraSchema,
  type CameraDetailView,
  type CameraListQuery,
  type CameraView,
  type DiscoveryScanView,
  type LiveSession,
  type PtzCommand,
  type PtzPresetView,
  type RegisterCamera,
  type UpdateCamera,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { LiveVideoService } from '../live-video/live-video.service';
import { CamerasService } from './cameras.service';

type LiveRequest = { stream: 'main' | 'sub' };

@Controller('cameras')
export class CamerasController {
  constructor(
    private readonly cameras: CamerasService,
    private readonly live: LiveVideoService,
  ) {}

  @Get()
  @RequireRoles(...rolesFor('camera.view'))
  list(
    @CurrentUser() user: AuthUser,
    @Query(valid(CameraListQuerySchema)) q: CameraListQuery,
  ): Promise<CameraView[]> {
    return this.cameras.list(user, q);
  }

  // Before ':id' so that "discovery" is not taken for a camera id.
  @Post('discovery')
  @HttpCode(202)
  @RequireRoles(...rolesFor('camera.manage'))
  discover(@CurrentUser() user: AuthUser, @Ip() ip: string): Promise<DiscoveryScanView> {
    return this.cameras.startDiscovery(user, ip);
  }

  @Get('discovery')
  @RequireRoles(...rolesFor('camera.manage'))
  discovered(): Promise<DiscoveryScanView> {
    return this.cameras.discovered();
  }

  @Post()
  @RequireRoles(...rolesFor('camera.manage'))
  register(
    @CurrentUser() user: AuthUser,
    @Body(valid(RegisterCameraSchema)) body: RegisterCamera,
    @Ip() ip: string,
  ): Promise<CameraDetailView> {
    return this.cameras.register(user, body, ip);
  }

  @Get(':id')
  @RequireRoles(...rolesFor('camera.view'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<CameraDetailView> {
    return this.cameras.get(user, id);
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('camera.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateCameraSchema)) body: UpdateCamera,
    @Ip() ip: string,
  ): Promise<CameraDetailView> {
    return this.cameras.update(user, id, body, ip);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRoles(...rolesFor('camera.manage'))
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
  ): Promise<void> {
    return this.cameras.remove(user, id, ip);
  }

  @Post(':id/live')
  @HttpCode(200)
  @RequireRoles(...rolesFor('camera.live'))
  startLive(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(LiveRequestSchema)) body: LiveRequest,
    @Ip() ip: string,
  ): Promise<LiveSession> {
    return this.live.start(user, id, body.stream, ip);
  }

  @Post(':id/ptz')
  @HttpCode(200)
  @RequireRoles(...rolesFor('camera.ptz'))
  ptz(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(PtzCommandSchema)) cmd: PtzCommand,
    @Ip() ip: string,
  ): Promise<{ presetToken?: string }> {
    return this.cameras.ptz(user, id, cmd, ip);
  }

  @Get(':id/ptz/presets')
  @RequireRoles(...rolesFor('camera.ptz'))
  presets(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<PtzPresetView[]> {
    return this.cameras.presets(user, id);
  }

  @Get(':id/snapshot')
  @RequireRoles(...rolesFor('camera.view'))
  async snapshot(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
    @Res() res: Response,
  ): Promise<void> {
    const jpeg = await this.cameras.snapshot(user, id, ip);
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'no-store');
    res.end(jpeg);
  }
}
