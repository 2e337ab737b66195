import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@xueliang/db';
import {
  ApiExceptionFilter,
  APP_CONFIG,
  AppConfigModule,
  type AppConfig,
  databaseCheck,
  HealthModule,
  REDIS,
  redisCheck,
  RedisModule,
} from '@xueliang/platform';
import { CameraControl } from './cameras/camera-control.service';
import { CameraDirectory } from './cameras/camera-directory.service';
import { CameraMedia } from './cameras/camera-media.service';
import { DiscoveryService } from './discovery/discovery.service';
import { PullPoints } from './events/pull-point.service';
import { RawEventPublisher } from './events/raw-event-publisher.adapter';
import { GATEWAY_SETTINGS, GatewaySettings } from './gateway.config';
import { GatewayMetrics } from './gateway-metrics';
import { CameraHealth } from './health/camera-health.service';
import { InternalController } from './internal/internal.controller';
import { InternalTokenGuard } from './internal/internal-token.guard';
import { OnvifErrorFilter } from './internal/onvif-error.filter';
import { CameraLeases } from './leases/camera-leases.service';
import { CameraNetworks } from './onvif/camera-networks';
import { Recorder } from './recording/recorder/recorder.service';
import { StorageGuard } from './recording/storage-guard';
import { OnvifClient } from './onvif/onvif-client.adapter';
import { OnvifProbe } from './onvif/onvif-probe.adapter';
import { RETENTION_PROVIDERS } from './recording/retention';
import { FfmpegRunner } from './streams/ffmpeg-runner.adapter';
import { StreamManager } from './streams/stream-manager.service';
import { SegmentFiles } from './recording/serving/segment-files.service';
import { SegmentServingController } from './recording/serving/segment-serving.controller';
import { RECORDING_EXPORT_CONTROLLERS, RECORDING_EXPORT_PROVIDERS } from './recording/export/export.module';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions({ url: config.DATABASE_URL, poolSize: 10 }),
    }),
    RedisModule,
  ],
  controllers: [InternalController, SegmentServingController, ...RECORDING_EXPORT_CONTROLLERS],
  providers: [
    {
      provide: CameraNetworks,
      inject: [GATEWAY_SETTINGS],
      useFactory: (s: GatewaySettings) => CameraNetworks.parse(s.CAMERA_NETWORKS),
    },
    { provide: APP_GUARD, useClass: InternalTokenGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_FILTER, useClass: OnvifErrorFilter },
    CameraDirectory,
    CameraMedia,
    CameraControl,
    CameraLeases,
    CameraHealth,
    PullPoints,
    RawEventPublisher,
    DiscoveryService,
    OnvifClient,
    OnvifProbe,
    FfmpegRunner,
    StreamManager,
    GatewayMetrics,
    StorageGuard,
    Recorder,
    ...RETENTION_PROVIDERS,
    SegmentFiles,
    ...RECORDING_EXPORT_PROVIDERS,
  ],
})
export class CameraGatewayModule {
  /** The gateway over the platform config and gateway settings its entry point parsed, once. */
  static forRoot(config: AppConfig, settings: GatewaySettings): DynamicModule {
    return {
      module: CameraGatewayModule,
      imports: [
        AppConfigModule.forRoot(config),
        HealthModule.forRootAsync({
          inject: [DataSource, REDIS],
          useFactory: (ds: DataSource, redis: Redis) => [databaseCheck(ds), redisCheck(redis)],
          metricsToken: () => config.METRICS_TOKEN,
        }),
      ],
      providers: [{ provide: GATEWAY_SETTINGS, useValue: settings }],
    };
  }
}
