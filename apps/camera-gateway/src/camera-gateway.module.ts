import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@xueliang/db';
import {
  ApiExceptionFilter,
  databaseCheck,
  HealthModule,
  loadConfig,
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
import { GATEWAY_SETTINGS, GatewaySettings, loadGatewaySettings } from './gateway.config';
import { GatewayMetrics } from './gateway-metrics';
import { CameraHealth } from './health/camera-health.service';
import { InternalController } from './internal/internal.controller';
import { InternalTokenGuard } from './internal/internal-token.guard';
import { OnvifErrorFilter } from './internal/onvif-error.filter';
import { CameraLeases } from './leases/camera-leases.service';
import { CameraNetworks } from './onvif/camera-networks';
import { OnvifClient } from './onvif/onvif-client.adapter';
import { OnvifProbe } from './onvif/onvif-probe.adapter';
import { FfmpegRunner } from './streams/ffmpeg-runner.adapter';
import { StreamManager } from './streams/stream-manager.service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => dataSourceOptions({ url: loadConfig().DATABASE_URL, poolSize: 10 }),
    }),
    RedisModule,
    HealthModule.forRootAsync({
      inject: [DataSource, REDIS],
      useFactory: (ds: DataSource, redis: Redis) => [databaseCheck(ds), redisCheck(redis)],
      metricsToken: () => loadConfig().METRICS_TOKEN,
    }),
  ],
  controllers: [InternalController],
  providers: [
    { provide: GATEWAY_SETTINGS, useFactory: () => loadGatewaySettings() },
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
  ],
})
export class CameraGatewayModule {}
