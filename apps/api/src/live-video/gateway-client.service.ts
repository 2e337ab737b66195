import { createHmac } from 'node:crypto';
import { HttpException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectRedis, loadConfig, redactCredentials } from '@xueliang/platform';

/** Same derivation as apps/camera-gateway/src/internal/internal-token.ts (a spec checks they agree). */
export function gatewayInternalToken(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('xueliang:camera-gateway:internal:v1').digest('base64url');
}

const leaseKey = (prefix: string, cameraId: string): string => `${prefix}:lease:camera:${cameraId}`;
const gatewayKey = (prefix: string, id: string): string => `${prefix}:gateway:${id}`;

export interface GatewayReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * The api's side of the internal gateway API: finds the gateway that holds a camera's lease
 * (Redis), or any live gateway for camera-less work, and calls it with the internal token.
 * Gateway errors (422 probe failures, 503 capacity…) pass through with their message and code.
 */
@Injectable()
export class GatewayClient {
  private readonly config = loadConfig();
  private readonly token = gatewayInternalToken(this.config.JWT_SECRET);

  constructor(@InjectRedis() private readonly redis: Redis) {}

  /** URL of the gateway holding the camera, else any live gateway (it claims the camera on demand). */
  async urlFor(cameraId?: string): Promise<string> {
    const prefix = this.config.REDIS_PREFIX;
    if (cameraId) {
      const owner = await this.redis.get(leaseKey(prefix, cameraId));
      const url = owner ? await this.redis.get(gatewayKey(prefix, owner)) : null;
      if (url) return url;
    }
    const live: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}:gateway:*`, 'COUNT', 200);
      cursor = next;
      live.push(...keys);
    } while (cursor !== '0' && live.length < 50);
    if (live.length) {
      const url = await this.redis.get(live[Math.floor(Math.random() * live.length)]!);
      if (url) return url;
    }
    throw new ServiceUnavailableException('no camera gateway is running');
  }

  async call(
    path: string,
    init: { method?: string; json?: unknown; cameraId?: string; timeoutMs?: number } = {},
  ): Promise<GatewayReply> {
    const reply = await this.raw(path, init);
    if (reply.status >= 400) throw gatewayError(reply);
    return reply;
  }

  async json<T>(
    path: string,
    init: { method?: string; json?: unknown; cameraId?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const reply = await this.call(path, init);
    return JSON.parse(reply.body.toString('utf8')) as T;
  }

  /** Like call() but hands back 4xx/5xx replies instead of throwing (the HLS proxy maps them itself). */
  async raw(
    path: string,
    init: { method?: string; json?: unknown; cameraId?: string; timeoutMs?: number; baseUrl?: string } = {},
  ): Promise<GatewayReply> {
    const base = init.baseUrl ?? (await this.urlFor(init.cameraId));
    const headers: Record<string, string> = { 'x-internal-token': this.token };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new ServiceUnavailableException(`camera gateway unavailable (${(err as Error).name})`);
    }
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
}

export function gatewayError(reply: GatewayReply): HttpException {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    body = { message: reply.body.toString('utf8').slice(0, 200) };
  }
  // The gateway's own 401 means our internal token is wrong: a deployment fault, not the user's.
  const status = reply.status === 401 ? 502 : reply.status;
  return new HttpException(
    // The api never knows camera passwords; whatever a gateway quoted still leaves without userinfo.
    {
      ...body,
      statusCode: status,
      message: redactCredentials(String(body.message ?? 'camera gateway error')),
    },
    status,
  );
}
