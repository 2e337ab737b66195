import { Module } from '@nestjs/common';
import { CamerasModule } from '../cameras/cameras.module';
import { LiveVideoModule } from '../live-video/live-video.module';
import { ChainController } from './chain.controller';
import { ChainService } from './chain.service';
import { ExportVerifier } from './export-verifier.service';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** Evidence export, verification and the segment hash chain check (docs/RECORDING.md). */
@Module({
  imports: [CamerasModule, LiveVideoModule],
  controllers: [ExportsController, ChainController],
  providers: [ExportsService, ExportVerifier, ChainService],
})
export class ExportsModule {}
