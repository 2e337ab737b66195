import { Module } from '@nestjs/common';
import { EvidenceLocksService } from './evidence-locks.service';
import {
  EvidenceLocksController,
  RecordingHealthController,
  RecordingPolicyController,
} from './recording-admin.controller';
import { RecordingAdminRepository } from './recording-admin.repository';
import { RecordingAdminService } from './recording-admin.service';
import { loadRecordingDefaults, RECORDING_DEFAULTS } from './recording-defaults';

/** Recording policies, evidence locks and storage health (docs/RECORDING.md). */
@Module({
  controllers: [RecordingPolicyController, EvidenceLocksController, RecordingHealthController],
  providers: [
    { provide: RECORDING_DEFAULTS, useFactory: () => loadRecordingDefaults() },
    RecordingAdminRepository,
    RecordingAdminService,
    EvidenceLocksService,
  ],
})
export class RecordingAdminModule {}
