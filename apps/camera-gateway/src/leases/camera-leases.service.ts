import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';
import { CameraDirectory } from '../cameras/camera-directory.service';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { gatewayKey, gatewayKeyPattern, leaseKey } from '@xueliang/gateway-protocol';
import { fairShare, planLeases } from './lease-keys';

export interface LeaseListener {
  acquired(cameraIds: string[]): void | Promise<void>;
  released(cameraIds: string[]): void | Promise<void>;
}

/** Extends a lease only while we still hold it, so a lease another gateway took is never stolen back. */
const RENEW_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Cameras are leased to gateways through Redis (SET NX PX). Each round a gateway renews what it
 * holds, counts live gateways by their heartbeat keys, claims unowned cameras up to its fair share
 * and releases above it. A dead gateway's leases simply expire and the others claim them.
 */
@Injectable()
export class CameraLeases implements BeforeApplicationShutdown {
  private readonly log = new Logger('leases');
  private readonly prefix: string;
  readonly gatewayId: string;
  private readonly owned = new Set<string>();
  private readonly listeners: LeaseListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private url = '';
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Cameras the stream manager would rather keep (set by the gateway module). */
  busy: () => Set<string> = () => new Set();

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly cameras: CameraDirectory,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = config.REDIS_PREFIX;
    this.gatewayId = config.GATEWAY_ID;
  }

  listen(listener: LeaseListener): void {
    this.listeners.push(listener);
  }

  /** Starts heartbeats and balancing once the gateway knows the URL the api reaches it on. */
  async start(url: string): Promise<void> {
    this.url = url;
    await this.round();
    const every = Math.max(100, Math.floor(this.settings.LEASE_TTL_MS / 3));
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.round().finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  owns(cameraId: string): boolean {
    return this.owned.has(cameraId);
  }

  ownedIds(): string[] {
    return [...this.owned];
  }

  /** Takes an unowned camera at once (a live view before the next round); false if another gateway holds it. */
  async claim(cameraId: string): Promise<boolean> {
    if (this.owned.has(cameraId)) return true;
    const ok = await this.redis.set(
      leaseKey(this.prefix, cameraId),
      this.gatewayId,
      'PX',
      this.settings.LEASE_TTL_MS,
      'NX',
    );
    if (ok !== 'OK') return (await this.redis.get(leaseKey(this.prefix, cameraId))) === this.gatewayId;
    this.owned.add(cameraId);
    await this.notify('acquired', [cameraId]);
    return true;
  }

  private async heartbeat(): Promise<void> {
    await this.redis.set(gatewayKey(this.prefix, this.gatewayId), this.url, 'PX', this.settings.LEASE_TTL_MS);
  }

  private async liveGateways(): Promise<number> {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        gatewayKeyPattern(this.prefix),
        'COUNT',
        500,
      );
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  }

  /** One balancing round; errors are logged and the next round tries again. */
  async round(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.heartbeat();
      // Without background work the gateway still serves probes, discovery and on-demand claims.
      if (this.settings.GATEWAY_BACKGROUND === 'false') return;
      const ttl = this.settings.LEASE_TTL_MS;
      const ids = await this.cameras.allIds();
      const holders = await this.holders(ids);
      const lost: string[] = [];
      const mine: string[] = [];
      const renew = this.redis.pipeline();
      for (const id of this.owned) {
        if (holders.get(id) === this.gatewayId) {
          mine.push(id);
          renew.eval(RENEW_IF_MINE, 1, leaseKey(this.prefix, id), this.gatewayId, ttl);
        } else lost.push(id);
      }
      await renew.exec();
      for (const id of lost) this.owned.delete(id);
      // Leases we hold in Redis but not in memory (a restart with the same id) are ours again.
      for (const [id, holder] of holders) if (holder === this.gatewayId && !this.owned.has(id)) mine.push(id);
      const unowned = ids.filter((id) => !holders.get(id));
      const share = fairShare(ids.length, await this.liveGateways());
      const plan = planLeases({ mine, unowned: shuffle(unowned), share, busy: this.busy() });
      const gained: string[] = mine.filter((id) => !this.owned.has(id));
      for (const id of gained) this.owned.add(id);
      for (const id of plan.claim) {
        const ok = await this.redis.set(leaseKey(this.prefix, id), this.gatewayId, 'PX', ttl, 'NX');
        if (ok === 'OK') {
          this.owned.add(id);
          gained.push(id);
        }
      }
      for (const id of plan.release) {
        await this.redis.eval(RELEASE_IF_MINE, 1, leaseKey(this.prefix, id), this.gatewayId);
        this.owned.delete(id);
        lost.push(id);
      }
      if (lost.length) await this.notify('released', lost);
      if (gained.length) await this.notify('acquired', gained);
    } catch (err) {
      this.log.warn(`lease round failed: ${(err as Error).message}`);
    }
  }

  /** Current holder of every camera's lease (absent = unowned). */
  private async holders(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const values = await this.redis.mget(...chunk.map((id) => leaseKey(this.prefix, id)));
      chunk.forEach((id, j) => {
        const v = values[j];
        if (v) out.set(id, v);
      });
    }
    return out;
  }

  private async notify(kind: 'acquired' | 'released', ids: string[]): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l[kind](ids);
      } catch (err) {
        this.log.warn(`lease listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** Stops balancing; with release=false the leases are left to expire, as when a gateway dies. */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    const ids = [...this.owned];
    this.owned.clear();
    await this.notify('released', ids);
    if (!release) return;
    const p = this.redis.pipeline();
    for (const id of ids) p.eval(RELEASE_IF_MINE, 1, leaseKey(this.prefix, id), this.gatewayId);
    p.del(gatewayKey(this.prefix, this.gatewayId));
    await p.exec();
  }

  // Before Redis connections close (RedisModule closes them in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    // Shutdown goes on regardless: leases not released lapse by their TTL.
    if (!this.stopped)
      await this.stop(true).catch((err: unknown) =>
        this.log.warn(`lease release failed: ${(err as Error).message}`),
      );
  }
}

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
