import { Module } from '@nestjs/common';
import { LiveVideoModule } from '../live-video/live-video.module';
import { MutesModule } from '../mutes/mutes.module';
import { RegionsModule } from '../regions/regions.module';
import { CameraBulkEditService } from './camera-bulk-edit.service';
import { CameraImportController } from './camera-import.controller';
import { CameraImportService } from './camera-import.service';
import { ImportJobStore } from './import-job.store';
import { SheetCodec } from './sheet-codec';

/** Bulk onboarding (import, export, discovery in bulk) and bulk edits of cameras. */
@Module({
  imports: [RegionsModule, LiveVideoModule, MutesModule],
  controllers: [CameraImportController],
  providers: [CameraImportService, CameraBulkEditService, ImportJobStore, SheetCodec],
})
export class CameraImportModule {}
