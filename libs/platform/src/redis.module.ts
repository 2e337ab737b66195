import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from './config';
import { APP_CONFIG } from './config.module';
import { closeRedis, createRedis, createRequestRedis, redisReady } from './redis';

export const REDIS = Symbol('REDIS');
/** `@InjectRedis() redis: Redis` — the process's shared command connection. */
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRedis(config.REDIS_URL),
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}

/**
 * REDIS for a process that serves requests (the api): the shared connection fails fast while
 * Redis is away (see createRequestRedis), so requests answer 503 instead of hanging. Boot waits
 * for the first connection, since a fail-fast connection refuses commands until it is ready.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const redis = createRequestRedis(config.REDIS_URL);
        await redisReady(redis);
        return redis;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RequestRedisModule {}

/** Prefixes a key with this deployment's REDIS_PREFIX (`config.REDIS_PREFIX`). */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}
