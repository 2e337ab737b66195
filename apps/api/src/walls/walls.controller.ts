import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { SaveWallSchema, type SaveWall, type WallView } from '@xueliang/contracts';
import { AuthUser, CurrentUser } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { WallsService } from './walls.service';

/** The signed-in user's own camera walls. */
@Controller('walls')
export class WallsController {
  constructor(private readonly walls: WallsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser): Promise<WallView[]> {
    return this.walls.list(user);
  }

  @Put(':id')
  save(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(SaveWallSchema)) body: SaveWall,
  ): Promise<WallView> {
    return this.walls.save(user, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.walls.remove(user, id);
  }
}
