import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@xueliang/auth';
import { dataSourceOptions } from '@xueliang/db';
import { ApiExceptionFilter, loadConfig, RedisModule } from '@xueliang/platform';
import { AuditModule } from './audit/audit.module';
import { ConsoleConfigModule } from './console-config/console-config.module';
import { LoginModule } from './auth/auth.module';
import { RegionsModule } from './regions/regions.module';
import { UnitsModule } from './units/units.module';
import { UsersModule } from './users/users.module';
import { WallsModule } from './walls/walls.module';

/** Feature modules are listed here; each owns its folder. */
export const API_FEATURES = [
  LoginModule,
  RegionsModule,
  UsersModule,
  UnitsModule,
  AuditModule,
  ConsoleConfigModule,
  WallsModule,
];

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => dataSourceOptions({ url: loadConfig().DATABASE_URL, poolSize: 20 }),
    }),
    RedisModule,
    AuthModule,
    ...API_FEATURES,
  ],
  providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class AppModule {}
