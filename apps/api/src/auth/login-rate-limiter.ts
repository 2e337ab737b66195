import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, InjectConfig, InjectRedis, redisKey } from '@xueliang/platform';

/** Counting window of the sign-in limits. */
const LOGIN_WINDOW_SECONDS = 60;
/** A sustained attack on one username is judged, and reported once, per this window. */
export const LOGIN_ATTACK_WINDOW_SECONDS = 600;
/** How long an address the user signed in from counts as theirs (exempt from the username limit). */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

/** The limits, all derived from LOGIN_RATE_LIMIT (L). */
export interface LoginLimits {
  /** Attempts per username from one address per window: the attacker's own lock (L). */
  perUserAndAddress: number;
  /** Attempts per address over all usernames per window: password spraying (5 L). */
  perAddress: number;
  /**
   * Attempts per username from addresses it never signed in from, per window (10 L): many
   * attacking addresses are slowed down, while the real user from a known address still gets in.
   */
  perUser: number;
  /** Failed or refused attempts on one username per attack window that make it an attack (3 L). */
  attack: number;
}

function loginLimits(limit: number): LoginLimits {
  return { perUserAndAddress: limit, perAddress: limit * 5, perUser: limit * 10, attack: limit * 3 };
}

/**
 * Checks every limit and, only if all pass, takes one slot of each: one atomic step, so
 * parallel attempts cannot all pass a check before any of them is counted. Every attempt
 * also counts toward the attack pressure on the username; the one that first crosses the
 * threshold in an attack window gets attack = 1 (SET NX), so an attack is reported once.
 * KEYS: pair, address, user, known address, pressure, attack flag.
 * ARGV: pair limit, address limit, user limit, window, attack threshold, attack window.
 * Returns { allowed, retry after seconds, attack started, pressure }.
 */
const RESERVE = `
local pressure = redis.call('INCR', KEYS[5])
if pressure == 1 then redis.call('EXPIRE', KEYS[5], ARGV[6]) end
local attack = 0
if pressure >= tonumber(ARGV[5]) and redis.call('SET', KEYS[6], '1', 'NX', 'EX', ARGV[6]) then
  attack = 1
end
local checks = { { KEYS[1], ARGV[1] }, { KEYS[2], ARGV[2] } }
if redis.call('EXISTS', KEYS[4]) == 0 then table.insert(checks, { KEYS[3], ARGV[3] }) end
for _, check in ipairs(checks) do
  if tonumber(redis.call('GET', check[1]) or '0') >= tonumber(check[2]) then
    return { 0, math.max(1, redis.call('TTL', check[1])), attack, pressure }
  end
end
for i = 1, 3 do
  redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[4], 'NX')
end
return { 1, 0, attack, pressure }
`;

/**
 * A successful sign-in gives its slots back (an office behind one address signing in at shift
 * change is not an attack), clears its pair count and remembers the address as the user's.
 * Only counts that still exist are lowered: a DECR on an expired key would leave a -1 forever.
 * KEYS: pair, address, user, known address, pressure. ARGV: known address lifetime.
 */
const RELEASE = `
redis.call('DEL', KEYS[1])
for i = 2, 5 do
  if i ~= 4 and tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
redis.call('SET', KEYS[4], '1', 'EX', ARGV[1])
return 1
`;

/** A reserved sign-in attempt: give it back on success, keep it (a failure) otherwise. */
export interface LoginAttempt {
  /** True for the one attempt that made this an attack in this attack window. */
  attackStarted: boolean;
  /** Failed or refused attempts on this username in the attack window, this one included. */
  pressure: number;
}

/** Thrown for a refused attempt; carries what an attack report needs. */
export class LoginThrottledException extends HttpException {
  constructor(
    retryAfterSeconds: number,
    readonly attempt: LoginAttempt,
  ) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many sign-in attempts, try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Sign-in limits in Redis (so every api node shares them), keyed so that an attacker locks
 * out their own address, not the user they attack: per username and address, per address,
 * and a much higher per-username limit that addresses the user signed in from are exempt from.
 */
@Injectable()
export class LoginRateLimiter {
  readonly limits: LoginLimits;
  private readonly prefix: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() config: AppConfig,
  ) {
    this.limits = loginLimits(config.LOGIN_RATE_LIMIT);
    this.prefix = config.REDIS_PREFIX;
  }

  /** Takes a slot before the password is checked, or throws LoginThrottledException (429). */
  async reserve(username: string, address: string): Promise<LoginAttempt> {
    const keys = this.keys(username, address);
    const result = (await this.redis.eval(
      RESERVE,
      6,
      keys.pair,
      keys.address,
      keys.user,
      keys.known,
      keys.pressure,
      keys.attackFlag,
      this.limits.perUserAndAddress,
      this.limits.perAddress,
      this.limits.perUser,
      LOGIN_WINDOW_SECONDS,
      this.limits.attack,
      LOGIN_ATTACK_WINDOW_SECONDS,
    )) as [number, number, number, number];
    const [allowed, retryAfter, attack, pressure] = result;
    const attempt = { attackStarted: attack === 1, pressure };
    if (allowed !== 1) throw new LoginThrottledException(retryAfter, attempt);
    return attempt;
  }

  /** The password was right: give the slots back and remember the address. */
  async release(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    await this.redis.eval(
      RELEASE,
      5,
      keys.pair,
      keys.address,
      keys.user,
      keys.known,
      keys.pressure,
      KNOWN_ADDRESS_SECONDS,
    );
  }

  private keys(username: string, address: string) {
    // Usernames differing only in case share their counts; '|' never occurs in an address.
    const user = username.toLowerCase();
    return {
      pair: redisKey(this.prefix, 'login', 'pair', `${address}|${user}`),
      address: redisKey(this.prefix, 'login', 'addr', address),
      user: redisKey(this.prefix, 'login', 'user', user),
      known: redisKey(this.prefix, 'login', 'known', `${address}|${user}`),
      pressure: redisKey(this.prefix, 'login', 'pressure', user),
      attackFlag: redisKey(this.prefix, 'login', 'attack', user),
    };
  }
}
