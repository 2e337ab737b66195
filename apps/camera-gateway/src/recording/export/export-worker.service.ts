import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { type AppConfig, createRedis, InjectConfig } from '@xueliang/platform';
import { RECORDING_EXPORTS_QUEUE, type RecordingExportJob } from '@xueliang/queue';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../../gateway.config';
import { ExportRunner } from './export-runner.service';

/**
 * Takes export jobs off RECORDING_EXPORTS_QUEUE (job id = export id), one at a time per gateway:
 * an export is disk- and ffmpeg-bound and must not crowd out recording and live video.
 */
@Injectable()
export class ExportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('export-worker');
  private worker: Worker<RecordingExportJob> | null = null;

  constructor(
    private readonly runner: ExportRunner,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.GATEWAY_BACKGROUND === 'false' && this.settings.EXPORT_WORKER !== 'true') return;
    if (this.settings.EXPORT_WORKER === 'false') return;
    this.worker = new Worker<RecordingExportJob>(
      RECORDING_EXPORTS_QUEUE,
      async (job) => {
        await this.runner.run(job.data.exportId);
      },
      {
        connection: createRedis(this.config.REDIS_URL),
        prefix: this.config.REDIS_PREFIX,
        concurrency: 1,
        // A long main-stream export holds its lock by renewal; a dead gateway's job is taken over.
        lockDuration: 60_000,
        maxStalledCount: 2,
      },
    );
    this.worker.on('failed', (job, err) => this.log.warn(`export job ${job?.id} failed: ${err.message}`));
    this.worker.on('error', (err) => this.log.error(`export worker: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
  }
}
