import IORedis, { Redis, RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ and pub/sub. BullMQ needs maxRetriesPerRequest null on workers,
 * and a Redis that goes away must not crash the process: ioredis reconnects by itself.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/** How long one command may wait for Redis on a request path before it counts as an outage. */
const REQUEST_REDIS_COMMAND_TIMEOUT_MS = 3000;

/**
 * A connection for request paths (an HTTP request waits on it). While Redis is away, a command
 * fails at once instead of waiting in ioredis's offline queue, so a request answers 503 rather
 * than hanging and piling up; the connection itself keeps reconnecting. Not for BullMQ workers'
 * blocking connections, which need maxRetriesPerRequest null.
 */
export function createRequestRedis(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A Redis that accepts the connection but never answers (stopped, swapping) must not hang either.
    commandTimeout: REQUEST_REDIS_COMMAND_TIMEOUT_MS,
    enableReadyCheck: true,
    ...options,
  });
}

/** Resolves when the connection is ready; commands on a fail-fast connection fail before that. */
export function redisReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      redis.off('end', onEnd);
      resolve();
    };
    const onEnd = (): void => {
      redis.off('ready', onReady);
      reject(new Error('redis connection ended before it was ready'));
    };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/**
 * Errors that mean "Redis is not reachable right now" (the caller can retry later), as ioredis
 * and BullMQ raise them: a fail-fast command while disconnected, a command given up after its
 * retries or its timeout, a connection closed under it, a refused or reset socket.
 */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return REDIS_UNAVAILABLE_MESSAGES.some((m) => error.message.startsWith(m));
}

const REDIS_UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
];

/**
 * Ends a connection within a bounded time: QUIT when it is up (pending replies arrive first),
 * else a plain disconnect, since a QUIT queued for a Redis that is away would wait forever and
 * hold the process past its shutdown grace period.
 */
export async function closeRedis(redis: Redis, timeoutMs = 2000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  // A failed QUIT is handled like an unanswered one: the disconnect below ends the socket.
  await Promise.race([redis.quit().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
  // A QUIT that got no answer in time: drop the socket (a no-op when it already ended).
  redis.disconnect();
}
