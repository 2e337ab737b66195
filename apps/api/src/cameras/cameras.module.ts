import { Module } from '@nestjs/common';
import { LiveVideoModule } from '../live-video/live-video.module';
import { RegionsModule } from '../regions/regions.module';
import { CamerasController } from './cameras.controller';
import { CamerasRepository } from './cameras.repository';
import { CamerasService } from './cameras.service';

@Module({
  imports: [RegionsModule, LiveVideoModule],
  controllers: [CamerasController],
  providers: [CamerasRepository, CamerasService],
  exports: [CamerasService],
})
export class CamerasModule {}
