import {
  DynamicModule,
  InjectionToken,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
} from '@nestjs/common';
import { Registry } from 'prom-client';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, HealthOptions, ReadinessCheck } from './health.types';
import { collectProcessMetrics, metricsRegistry } from './metrics';
import { METRICS_REGISTRY } from './metrics.token';

export interface HealthModuleOptions extends HealthOptions {
  /** Defaults to the process-wide metricsRegistry (tests pass their own). */
  registry?: Registry;
  /** Collect prom-client's process metrics (default true). */
  defaultMetrics?: boolean;
}

export interface HealthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Builds the checks from injected providers, e.g. (ds: DataSource, redis: Redis) => [databaseCheck(ds), redisCheck(redis)]. */
  useFactory: (...deps: never[]) => ReadinessCheck[] | Promise<ReadinessCheck[]>;
  checkTimeoutMs?: number;
  /** Read when the app is created, e.g. () => config.METRICS_TOKEN. */
  metricsToken?: () => string | undefined;
  registry?: Registry;
  defaultMetrics?: boolean;
}

/**
 * GET /healthz, /readyz and /metrics for any app. The routes carry the `isPublic` metadata
 * that the api's auth guard honours; apps with a global prefix must exclude them.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const registry = prepareRegistry(options.registry, options.defaultMetrics);
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_OPTIONS,
          useValue: {
            checks: options.checks,
            checkTimeoutMs: options.checkTimeoutMs,
            metricsToken: options.metricsToken,
          },
        },
        { provide: METRICS_REGISTRY, useValue: registry },
      ],
      exports: [METRICS_REGISTRY],
    };
  }

  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    const registry = prepareRegistry(options.registry, options.defaultMetrics);
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...deps: never[]): Promise<HealthOptions> => ({
            checks: await options.useFactory(...deps),
            checkTimeoutMs: options.checkTimeoutMs,
            metricsToken: options.metricsToken?.(),
          }),
        },
        { provide: METRICS_REGISTRY, useValue: registry },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}

function prepareRegistry(registry: Registry | undefined, defaultMetrics: boolean | undefined): Registry {
  const chosen = registry ?? metricsRegistry;
  if (defaultMetrics !== false) collectProcessMetrics(chosen);
  return chosen;
}
