import { DynamicModule, Inject, Module } from '@nestjs/common';
import type { AppConfig } from './config';

/** The app's parsed config (AppConfig): `@InjectConfig() config: AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/**
 * Gives every provider of an app the config its entry point parsed once with loadConfig(), so
 * nothing re-reads the environment after boot and a test's app sees the env it was started with.
 */
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
