import { Body, Controller, Delete, Get, Ip, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CreateMuteSchema, type CreateMute, type MuteView } from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { MutesService } from './mutes.service';

@Controller('mutes')
@RequireRoles(...rolesFor('alert.mute'))
export class MutesController {
  constructor(private readonly mutes: MutesService) {}

  /** Active mutes in the user's region; `?all=true` includes ended and cancelled ones. */
  @Get()
  list(@CurrentUser() user: AuthUser, @Query('all') all?: string): Promise<MuteView[]> {
    return this.mutes.list(user, all === 'true');
  }

  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateMuteSchema)) body: CreateMute,
    @Ip() ip: string,
  ): Promise<MuteView> {
    return this.mutes.create(user, body, ip);
  }

  /** Ends the mute now (kept, with cancelledAt, for the record). */
  @Delete(':id')
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
  ): Promise<MuteView> {
    return this.mutes.cancel(user, id, ip);
  }
}
