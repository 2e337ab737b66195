/** One dependency the process needs before it can serve: resolves when healthy, throws why not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown> | unknown;
}

export const IS_PUBLIC_KEY = 'isPublic';
export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  checks: ReadinessCheck[];
  /** Per-check limit; a hung dependency counts as failed (default 2 s). */
  checkTimeoutMs?: number;
  /** METRICS_TOKEN: when set, /metrics wants it as a bearer token; when empty, only loopback may read. */
  metricsToken?: string;
}

/** `SELECT 1` on anything with a query method (a TypeORM DataSource, a pg Pool). */
export function databaseCheck(
  db: { query(sql: string): Promise<unknown> },
  name = 'database',
): ReadinessCheck {
  return { name, check: () => db.query('SELECT 1') };
}

/** PING on anything with a ping method (an ioredis client). */
export function redisCheck(redis: { ping(): Promise<string> }, name = 'redis'): ReadinessCheck {
  return {
    name,
    check: async () => {
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
    },
  };
}
