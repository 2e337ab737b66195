import { Module } from '@nestjs/common';
import { WallsController } from './walls.controller';
import { WallsService } from './walls.service';

@Module({ controllers: [WallsController], providers: [WallsService] })
export class WallsModule {}
