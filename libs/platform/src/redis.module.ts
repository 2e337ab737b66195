import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { loadConfig } from './config';
import { createRedis } from './redis';

export const REDIS = Symbol('REDIS');
/** `@InjectRedis() redis: Redis` — the process's shared command connection. */
export const InjectRedis = (): ParameterDecorator => Inject(REDIS);

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [{ provide: REDIS, useFactory: () => createRedis(loadConfig().REDIS_URL) }, RedisCloser],
  exports: [REDIS],
})
export class RedisModule {}

/** Prefixes a key with this deployment's REDIS_PREFIX. */
export function redisKey(...parts: string[]): string {
  return [loadConfig().REDIS_PREFIX, ...parts].join(':');
}
