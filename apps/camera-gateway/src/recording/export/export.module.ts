import { FfmpegClipCutter } from './clip-cutter';
import { ExportController } from './export.controller';
import { ExportRunner } from './export-runner.service';
import { ExportWorker } from './export-worker.service';

/**
 * Evidence export and chain re-hashing on the gateway (docs/RECORDING.md). Listed into the root
 * module rather than a module of their own: they need its GATEWAY_SETTINGS provider.
 */
export const RECORDING_EXPORT_CONTROLLERS = [ExportController];
export const RECORDING_EXPORT_PROVIDERS = [FfmpegClipCutter, ExportRunner, ExportWorker];
