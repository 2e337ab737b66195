import IORedis, { Redis, RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ and pub/sub. BullMQ needs maxRetriesPerRequest null on workers,
 * and a Redis that goes away must not crash the process: ioredis reconnects by itself.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}
