import { RetentionRepository } from './retention.repository';
import { RetentionSweeper } from './retention-sweeper.service';
import { SegmentFiles } from './segment-files.adapter';

/** The retention sweeper and its adapters, for the gateway module's providers. */
export const RETENTION_PROVIDERS = [RetentionRepository, SegmentFiles, RetentionSweeper];
export { RetentionSweeper, STORAGE_FULL_REASON, type SweepReport } from './retention-sweeper.service';
