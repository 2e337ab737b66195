import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpException, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { gatewayKey, gatewayRoutes, INTERNAL_TOKEN_HEADER, leaseKey } from '@xueliang/gateway-protocol';
import { loadConfig } from '@xueliang/platform';
import { GatewayClient } from './gateway-client.service';

/** A gateway on a local port answering every request with `body`; remembers what it was asked. */
async function gatewayAnswering(
  body: string,
): Promise<{ url: string; seen: Array<{ method?: string; url?: string; token?: unknown }>; close(): void }> {
  const seen: Array<{ method?: string; url?: string; token?: unknown }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, token: req.headers[INTERNAL_TOKEN_HEADER] });
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

/** Redis as the api reads it: camera c1 leased to gateway g1, which heartbeats `url`. */
function redisRouting(url: string): Redis {
  const prefix = loadConfig().REDIS_PREFIX;
  const values = new Map([
    [leaseKey(prefix, 'c1'), 'g1'],
    [gatewayKey(prefix, 'g1'), url],
  ]);
  const fake: Pick<Redis, 'get'> = {
    get: (key: string) => {
      if (!values.has(key)) throw new Error(`redis.get(${key}) was not expected`);
      return Promise.resolve(values.get(key)!);
    },
  };
  return fake as Redis;
}

describe('GatewayClient', () => {
  afterEach(() => jest.restoreAllMocks());

  it('routes to the lease holder with the internal token and reads the answer with the route’s schema', async () => {
    const gateway = await gatewayAnswering('{"presetToken":"p1"}');
    try {
      const client = new GatewayClient(redisRouting(gateway.url), loadConfig());
      await expect(
        client.ask(gatewayRoutes.ptz, { id: 'c1' }, { cameraId: 'c1', json: { action: 'stop' } }),
      ).resolves.toEqual({ presetToken: 'p1' });
      expect(gateway.seen).toEqual([
        { method: 'POST', url: '/internal/cameras/c1/ptz', token: expect.any(String) as unknown },
      ]);
    } finally {
      gateway.close();
    }
  });

  it.each([
    ['a field of the wrong type', '{"presetToken":5}', 'presetToken'],
    ['not JSON at all', '<html>proxy error</html>', '(body)'],
    ['a list where an object belongs', '[]', '(body)'],
  ])('an answer with %s is a 502 with the fault logged, never a crash', async (_case, body, field) => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const gateway = await gatewayAnswering(body);
    try {
      const client = new GatewayClient(redisRouting(gateway.url), loadConfig());
      const err = await client
        .ask(gatewayRoutes.ptz, { id: 'c1' }, { cameraId: 'c1', json: { action: 'stop' } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpException);
      expect((err as HttpException).getStatus()).toBe(502);
      expect(logged).toHaveBeenCalledTimes(1);
      const line = String(logged.mock.calls[0][0]);
      expect(line).toContain('POST /internal/cameras/:id/ptz');
      expect(line).toContain(field);
      // The body itself is not logged (a gateway may quote camera URLs with credentials).
      expect(line).not.toContain('proxy error');
    } finally {
      gateway.close();
    }
  });

  it('routes a recorded segment to the gateway that wrote it, by its heartbeat, whoever holds the lease', async () => {
    const writer = await gatewayAnswering('');
    try {
      const prefix = loadConfig().REDIS_PREFIX;
      const values = new Map([[gatewayKey(prefix, 'g2'), writer.url]]);
      const fake: Pick<Redis, 'get'> = {
        get: (key: string) => {
          if (!values.has(key)) throw new Error(`redis.get(${key}) was not expected`);
          return Promise.resolve(values.get(key)!);
        },
      };
      const client = new GatewayClient(fake as Redis, loadConfig());
      const reply = await client.raw(
        gatewayRoutes.recordingSegment,
        { id: '42' },
        { gatewayId: 'g2', cameraId: 'c1' },
      );
      expect(reply.status).toBe(200);
      expect(writer.seen).toEqual([
        { method: 'GET', url: '/internal/recordings/segments/42', token: expect.any(String) as unknown },
      ]);
    } finally {
      writer.close();
    }
  });
});
