import { Controller, Get, Ip, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { type ChainVerification, type ChainVerifyQuery, ChainVerifyQuerySchema } from '@xueliang/contracts';
import { type AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { ChainService } from './chain.service';

/** GET /api/cameras/:id/recordings/verify?day=YYYY-MM-DD: the segment hash chain of one UTC day. */
@Controller('cameras')
export class ChainController {
  constructor(private readonly chain: ChainService) {}

  @Get(':id/recordings/verify')
  @RequireRoles(...rolesFor('recording.verify'))
  verify(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query(valid(ChainVerifyQuerySchema)) q: ChainVerifyQuery,
    @Ip() ip: string,
  ): Promise<ChainVerification> {
    return this.chain.verify(user, id, q.day, ip);
  }
}
