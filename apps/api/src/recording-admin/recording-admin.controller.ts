import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  CreateEvidenceLockSchema,
  EvidenceLockListQuerySchema,
  ReleaseEvidenceLockSchema,
  UpdateRecordingPolicySchema,
  type CreateEvidenceLock,
  type EvidenceLockListQuery,
  type EvidenceLockView,
  type RecordingHealthView,
  type RecordingPolicyView,
  type UpdateRecordingPolicy,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { EvidenceLocksService } from './evidence-locks.service';
import { RecordingAdminService } from './recording-admin.service';

/** GET/PUT /api/cameras/:id/recording-policy (technician, admin; the camera's region). */
@Controller('cameras')
export class RecordingPolicyController {
  constructor(private readonly recording: RecordingAdminService) {}

  @Get(':id/recording-policy')
  @RequireRoles(...rolesFor('recording.policy'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<RecordingPolicyView> {
    return this.recording.getPolicy(user, id);
  }

  @Put(':id/recording-policy')
  @RequireRoles(...rolesFor('recording.policy'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateRecordingPolicySchema)) body: UpdateRecordingPolicy,
    @Ip() ip: string,
  ): Promise<RecordingPolicyView> {
    return this.recording.updatePolicy(user, id, body, ip);
  }
}

/** Evidence locks: supervisors and admins lock and release; technicians may read them too. */
@Controller('evidence-locks')
export class EvidenceLocksController {
  constructor(private readonly locks: EvidenceLocksService) {}

  @Post()
  @RequireRoles(...rolesFor('evidence.lock'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateEvidenceLockSchema)) body: CreateEvidenceLock,
    @Ip() ip: string,
  ): Promise<EvidenceLockView> {
    return this.locks.create(user, body, ip);
  }

  @Get()
  @RequireRoles(...rolesFor('evidence.view'))
  list(
    @CurrentUser() user: AuthUser,
    @Query(valid(EvidenceLockListQuerySchema)) q: EvidenceLockListQuery,
  ): Promise<EvidenceLockView[]> {
    return this.locks.list(user, q);
  }

  @Get(':id')
  @RequireRoles(...rolesFor('evidence.view'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<EvidenceLockView> {
    return this.locks.get(user, id);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireRoles(...rolesFor('evidence.lock'))
  release(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(ReleaseEvidenceLockSchema)) body: { reason: string },
    @Ip() ip: string,
  ): Promise<EvidenceLockView> {
    return this.locks.release(user, id, body.reason, ip);
  }
}

/** GET /api/recordings/health (technician, admin; the user's cameras). */
@Controller('recordings')
export class RecordingHealthController {
  constructor(private readonly recording: RecordingAdminService) {}

  @Get('health')
  @RequireRoles(...rolesFor('recording.health'))
  health(@CurrentUser() user: AuthUser): Promise<RecordingHealthView> {
    return this.recording.health(user);
  }
}
