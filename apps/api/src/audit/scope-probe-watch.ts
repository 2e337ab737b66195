import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { RawEvent } from '@xueliang/contracts';
import type { AuthUser } from '@xueliang/auth';
import { type AppConfig, InjectConfig, InjectRedis, redisKey } from '@xueliang/platform';
import { AlertQueues } from '../intake/alert-queues';

/**
 * Turns a burst of refused cross-region requests by one user into an alert for the level above
 * them: SCOPE_PROBE_ALERT_THRESHOLD refusals within a SCOPE_PROBE_WINDOW_SECONDS window (fixed
 * windows counted in Redis, shared by every api node) raise one `system` alert through the
 * normal intake. It is filed in the parent of the user's home region, so their supervisors see
 * it and the user does not. The event id names user and window: one alert per burst.
 */
@Injectable()
export class ScopeProbeWatch {
  private readonly threshold: number;
  private readonly windowSeconds: number;
  private readonly prefix: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: AlertQueues,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = config.REDIS_PREFIX;
    this.threshold = config.SCOPE_PROBE_ALERT_THRESHOLD;
    this.windowSeconds = config.SCOPE_PROBE_WINDOW_SECONDS;
  }

  /** Counts one refusal; the one that reaches the threshold raises the alert. */
  async noteDenial(user: AuthUser, ip: string | undefined): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / this.windowSeconds);
    const key = redisKey(this.prefix, 'scope-denied', user.id, String(window));
    const replies = await this.redis
      .multi()
      .incr(key)
      .expire(key, this.windowSeconds * 2)
      .exec();
    const count = Number(replies?.[0]?.[1] ?? 0);
    if (count !== this.threshold) return;
    const [row] = await this.db.query<{ id: string }[]>(
      'SELECT COALESCE(r.parent_id, r.id) AS id FROM regions r WHERE r.id = $1',
      [user.regionId],
    );
    const minutes = Math.round(this.windowSeconds / 60);
    const event: RawEvent = {
      id: `scope-probe:${user.id}:${window}`,
      source: 'system',
      type: 'scope_probe',
      priority: 'high',
      occurredAt: new Date().toISOString(),
      regionId: row?.id ?? user.regionId,
      title: `越权访问尝试：${user.displayName}（${user.username}）`.slice(0, 200),
      description:
        `${user.regionName}的 ${user.username} 在 ${minutes} 分钟内 ${count} 次访问辖区以外的资源被拒绝` +
        `${ip ? `，最近一次来自 ${ip}` : ''}。详见审计日志（scope.denied）。`,
      reporter: '系统',
      attributes: {
        subject: `user:${user.id}`,
        userId: user.id,
        username: user.username,
        refusals: count,
        ip: ip ?? null,
      },
    };
    await this.queues.enqueue(event);
  }
}
