import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectRedis, loadConfig, redisKey } from '@xueliang/platform';

const WINDOW_SECONDS = 60;

/**
 * Counts failed sign-ins per username and per client address in Redis (so every api node
 * shares the count); past the limit the next attempt is refused with 429 until the window ends.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly limit = loadConfig().LOGIN_RATE_LIMIT;

  constructor(@InjectRedis() private readonly redis: Redis) {}

  async assertAllowed(username: string, ip: string): Promise<void> {
    const [byUser, byIp] = await this.redis.mget(this.key('u', username), this.key('ip', ip));
    if (Number(byUser ?? 0) >= this.limit || Number(byIp ?? 0) >= this.limit * 5) {
      const ttl = Math.max(1, await this.redis.ttl(this.key('u', username)));
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `too many sign-in attempts, try again in ${ttl} s`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    await this.redis
      .multi()
      .incr(this.key('u', username))
      .expire(this.key('u', username), WINDOW_SECONDS, 'NX')
      .incr(this.key('ip', ip))
      .expire(this.key('ip', ip), WINDOW_SECONDS, 'NX')
      .exec();
  }

  async reset(username: string): Promise<void> {
    await this.redis.del(this.key('u', username));
  }

  private key(kind: string, value: string): string {
    return redisKey('login-fail', kind, value.toLowerCase());
  }
}
