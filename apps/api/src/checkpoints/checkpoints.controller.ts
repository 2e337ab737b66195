import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  CreateCheckpointSchema,
  UpdateCheckpointSchema,
  type CheckpointView,
  type CreateCheckpoint,
  type UpdateCheckpoint,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, Public, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { CheckpointsService } from './checkpoints.service';

@Controller('checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  @Get()
  @RequireRoles(...rolesFor('camera.view'))
  list(@CurrentUser() user: AuthUser): Promise<CheckpointView[]> {
    return this.checkpoints.list(user);
  }

  /** Vehicle passes from checkpoints: no session, an integration key instead. */
  @Public()
  @Post('passes')
  @HttpCode(202)
  ingest(
    @Headers('x-api-key') apiKey: string | undefined,
    @Body() body: unknown,
  ): Promise<{ accepted: true; eventId: string | null }> {
    return this.checkpoints.ingestPass(apiKey, body);
  }

  @Get(':id')
  @RequireRoles(...rolesFor('camera.view'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<CheckpointView> {
    return this.checkpoints.get(user, id);
  }

  @Post()
  @RequireRoles(...rolesFor('camera.manage'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateCheckpointSchema)) body: CreateCheckpoint,
    @Ip() ip: string,
  ): Promise<CheckpointView> {
    return this.checkpoints.create(user, body, ip);
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('camera.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateCheckpointSchema)) body: UpdateCheckpoint,
    @Ip() ip: string,
  ): Promise<CheckpointView> {
    return this.checkpoints.update(user, id, body, ip);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRoles(...rolesFor('camera.manage'))
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
  ): Promise<void> {
    return this.checkpoints.remove(user, id, ip);
  }
}
