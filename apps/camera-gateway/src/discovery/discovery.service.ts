import dgram from 'node:dgram';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';
import { discoveryKeys, DiscoveredOnvifDeviceSchema, type DiscoveryScan } from '@xueliang/gateway-protocol';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import {
  parseProbeMatches,
  parseTargets,
  ProbeMatch,
  probeMessage,
  WSD_MULTICAST,
  WSD_PORT,
} from './ws-discovery';

const RESULT_TTL_S = 24 * 3600;

/**
 * WS-Discovery scan: one Probe to the multicast group (and to configured unicast targets for
 * routed networks and tests), ProbeMatches collected for a window and stored in Redis.
 */
@Injectable()
export class DiscoveryService {
  private readonly log = new Logger('discovery');
  private readonly keys: ReturnType<typeof discoveryKeys>;
  private current: Promise<ProbeMatch[]> | undefined;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() config: AppConfig,
  ) {
    this.keys = discoveryKeys(config.REDIS_PREFIX);
  }

  /** Starts a scan unless one is running; resolves with when it started and how long it runs. */
  async start(): Promise<{ startedAt: string; windowMs: number }> {
    const windowMs = this.settings.DISCOVERY_WINDOW_MS;
    if (!this.current) {
      const startedAt = new Date().toISOString();
      await this.redis
        .multi()
        .del(this.keys.devices)
        .set(this.keys.scanning, '1', 'PX', windowMs + 500)
        .set(this.keys.startedAt, startedAt, 'EX', RESULT_TTL_S)
        .exec();
      this.current = this.scan(windowMs).finally(() => (this.current = undefined));
      void this.current.catch((err: unknown) => this.log.warn(`scan failed: ${(err as Error).message}`));
    }
    return { startedAt: (await this.redis.get(this.keys.startedAt)) ?? new Date().toISOString(), windowMs };
  }

  /** The latest scan, whichever gateway ran it (the results are shared in Redis). */
  async latest(): Promise<DiscoveryScan> {
    const [devices, scanning, startedAt] = await Promise.all([
      this.redis.hgetall(this.keys.devices),
      this.redis.exists(this.keys.scanning),
      this.redis.get(this.keys.startedAt),
    ]);
    const found = Object.values(devices).flatMap((v) => {
      try {
        const parsed = DiscoveredOnvifDeviceSchema.safeParse(JSON.parse(v));
        return parsed.success ? [parsed.data] : [];
      } catch {
        // A malformed entry is skipped: the next scan replaces it.
        return [];
      }
    });
    return { scanning: scanning === 1, startedAt, devices: found };
  }

  private scan(windowMs: number): Promise<ProbeMatch[]> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      const found = new Map<string, ProbeMatch>();
      socket.on('message', (msg) => {
        for (const m of parseProbeMatches(msg.toString('utf8'))) {
          if (found.has(m.urn)) continue;
          found.set(m.urn, m);
          void this.redis
            .multi()
            .hset(this.keys.devices, m.urn, JSON.stringify(m))
            .expire(this.keys.devices, RESULT_TTL_S)
            .exec();
        }
      });
      socket.on('error', (e) => {
        socket.close();
        reject(e);
      });
      socket.bind(0, () => {
        const message = Buffer.from(probeMessage());
        const targets = parseTargets(this.settings.DISCOVERY_TARGETS);
        if (this.settings.DISCOVERY_MULTICAST === 'true')
          targets.push({ host: WSD_MULTICAST, port: WSD_PORT });
        for (const t of targets) {
          socket.send(message, t.port, t.host, (err) => {
            if (err) this.log.debug(`probe to ${t.host}:${t.port} failed: ${err.message}`);
          });
        }
        setTimeout(() => {
          socket.close();
          void this.redis.del(this.keys.scanning);
          resolve([...found.values()]);
        }, windowMs);
      });
    });
  }
}
