import {
  BadGatewayException,
  HttpException,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import {
  gatewayKey,
  gatewayKeyPattern,
  type GatewayRoute,
  INTERNAL_TOKEN_HEADER,
  internalToken,
  leaseKey,
  type RouteParams,
} from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, InjectRedis, redactCredentials } from '@xueliang/platform';

export interface GatewayReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface GatewayCallOptions {
  json?: unknown;
  /** Route to the gateway holding this camera's lease (else any live gateway). */
  cameraId?: string;
  /**
   * Route to this gateway by its heartbeat (a recorded segment lives on the gateway that wrote
   * it), else any live gateway (shared storage). Takes precedence over cameraId.
   */
  gatewayId?: string;
  timeoutMs?: number;
}

/**
 * The api's side of the internal gateway API (@xueliang/gateway-protocol): finds the gateway that
 * holds a camera's lease, or any live gateway for camera-less work, and calls a protocol route with
 * the internal token. Gateway errors (422 probe failures, 503 capacity…) pass through with their
 * message and code; an answer that does not match the protocol's schema is a 502.
 */
@Injectable()
export class GatewayClient {
  private readonly log = new Logger('gateway-client');
  private readonly token: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.token = internalToken(config.JWT_SECRET);
  }

  /**
   * URL of the named gateway, else of the gateway holding the camera, else of any live gateway
   * (it claims the camera on demand, or reads the shared recordings directory).
   */
  async urlFor(cameraId?: string, gatewayId?: string): Promise<string> {
    const prefix = this.config.REDIS_PREFIX;
    if (gatewayId) {
      const url = await this.redis.get(gatewayKey(prefix, gatewayId));
      if (url) return url;
    } else if (cameraId) {
      // The lease owner is read, not asked for: routing every request through another gateway
      // first would double each hop. Only the protocol lib knows the key format.
      const owner = await this.redis.get(leaseKey(prefix, cameraId));
      const url = owner ? await this.redis.get(gatewayKey(prefix, owner)) : null;
      if (url) return url;
    }
    const live: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', gatewayKeyPattern(prefix), 'COUNT', 200);
      cursor = next;
      live.push(...keys);
    } while (cursor !== '0' && live.length < 50);
    if (live.length) {
      const url = await this.redis.get(live[Math.floor(Math.random() * live.length)]);
      if (url) return url;
    }
    throw new ServiceUnavailableException('no camera gateway is running');
  }

  /** Calls a route and reads its answer with the route's schema. */
  async ask<P extends string, S extends z.ZodType>(
    route: GatewayRoute<P, S>,
    params: Record<RouteParams<P>, string>,
    init: GatewayCallOptions = {},
  ): Promise<z.infer<S>> {
    const reply = await this.call(route, params, init);
    let body: unknown;
    try {
      body = JSON.parse(reply.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    const parsed = route.answer.safeParse(body);
    if (!parsed.success) {
      // The gateway broke the protocol (a version skew, a bug): the operator needs the route and
      // the fields, never the body (it may quote camera addresses with credentials).
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
      this.log.error(`malformed answer from gateway ${route.method} ${route.pattern}: ${fields}`);
      throw new BadGatewayException('camera gateway gave a malformed answer');
    }
    return parsed.data;
  }

  /** Calls a route; a 4xx/5xx from the gateway is thrown as the HttpException it stands for. */
  async call<P extends string>(
    route: GatewayRoute<P, z.ZodType | null>,
    params: Record<RouteParams<P>, string>,
    init: GatewayCallOptions = {},
  ): Promise<GatewayReply> {
    const reply = await this.raw(route, params, init);
    if (reply.status >= 400) throw gatewayError(reply);
    return reply;
  }

  /** Like call() but hands back 4xx/5xx replies instead of throwing (the HLS proxy maps them itself). */
  async raw<P extends string>(
    route: GatewayRoute<P, z.ZodType | null>,
    params: Record<RouteParams<P>, string>,
    init: GatewayCallOptions & { baseUrl?: string } = {},
  ): Promise<GatewayReply> {
    const base = init.baseUrl ?? (await this.urlFor(init.cameraId, init.gatewayId));
    const headers: Record<string, string> = { [INTERNAL_TOKEN_HEADER]: this.token };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${route.path(params)}`, {
        method: route.method,
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
