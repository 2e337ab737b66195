import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AuthModule } from '@xueliang/auth';
import { dataSourceOptions } from '@xueliang/db';
import {
  ApiExceptionFilter,
  APP_CONFIG,
  AppConfigModule,
  type AppConfig,
  StorableTextPipe,
  databaseCheck,
  HealthModule,
  REDIS,
  redisCheck,
  RequestRedisModule,
} from '@xueliang/platform';
import { AuditModule } from './audit/audit.module';
import { ConsoleConfigModule } from './console-config/console-config.module';
import { LoginModule } from './auth/auth.module';
import { RegionsModule } from './regions/regions.module';
import { UnitsModule } from './units/units.module';
import { UsersModule } from './users/users.module';
import { AlertsModule } from './alerts/alerts.module';
import { IntakeModule } from './intake/intake.module';
import { LiveModule } from './live/live.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { MutesModule } from './mutes/mutes.module';
import { SlaPoliciesModule } from './sla-policies/sla-policies.module';
import { StatisticsModule } from './statistics/statistics.module';
import { WallsModule } from './walls/walls.module';
import { CamerasModule } from './cameras/cameras.module';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { LiveVideoModule } from './live-video/live-video.module';
import { RecordingAdminModule } from './recording-admin/recording-admin.module';
import { PlaybackModule } from './playback/playback.module';
import { ExportsModule } from './exports/exports.module';

/** Feature modules are listed here; each owns its folder. */
const API_FEATURES = [
  LoginModule,
  RegionsModule,
  UsersModule,
  UnitsModule,
  AuditModule,
  ConsoleConfigModule,
  WallsModule,
  LiveModule,
  IntakeModule,
  AlertsModule,
  IntegrationsModule,
  MutesModule,
  SlaPoliciesModule,
  StatisticsModule,
  LiveVideoModule,
  CamerasModule,
  CheckpointsModule,
  RecordingAdminModule,
  PlaybackModule,
  ExportsModule,
];

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions({ url: config.DATABASE_URL, poolSize: 20 }),
    }),
    RequestRedisModule,
    AuthModule,
    ...API_FEATURES,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_PIPE, useClass: StorableTextPipe },
  ],
})
export class AppModule {
  /** The api over the config its entry point parsed (APP_CONFIG for every provider). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        HealthModule.forRootAsync({
          inject: [getDataSourceToken(), REDIS],
          useFactory: (ds: DataSource, redis: Redis) => [databaseCheck(ds), redisCheck(redis)],
          metricsToken: () => config.METRICS_TOKEN,
        }),
      ],
    };
  }
}
