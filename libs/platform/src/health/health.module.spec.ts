import { networkInterfaces } from 'node:os';
import { Controller, Get, INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Counter, Registry } from 'prom-client';
import request from 'supertest';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';
import { databaseCheck, IS_PUBLIC_KEY, ReadinessCheck, redisCheck } from './health.types';

@Controller()
class ProbeController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

describe('HealthModule', () => {
  let app: INestApplication | undefined;

  async function boot(
    checks: ReadinessCheck[],
    registry = new Registry(),
    metricsToken?: string,
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks, registry, checkTimeoutMs: 200, metricsToken })],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers /healthz with ok whatever the dependencies say', async () => {
    const nest = await boot([{ name: 'database', check: () => Promise.reject(new Error('down')) }]);
    await request(nest.getHttpServer()).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    const db = { query: jest.fn().mockResolvedValue([{ '?column?': 1 }]) };
    const redis = { ping: jest.fn().mockResolvedValue('PONG') };
    const nest = await boot([databaseCheck(db), redisCheck(redis)]);
    const res = await request(nest.getHttpServer()).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
    expect(db.query).toHaveBeenCalledWith('SELECT 1');
  });

  it('answers 503 naming the failed check', async () => {
    const nest = await boot([
      databaseCheck({ query: () => Promise.resolve([]) }),
      redisCheck({ ping: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6380')) }),
    ]);
    const res = await request(nest.getHttpServer()).get('/readyz').expect(503);
    expect(res.body.status).toBe('unavailable');
    expect(res.body.checks.database).toBe('ok');
    expect(res.body.checks.redis).toMatch(/ECONNREFUSED/);
  });

  it('counts a hung check as failed instead of hanging the probe', async () => {
    const nest = await boot([{ name: 'slow', check: () => new Promise(() => undefined) }]);
    const res = await request(nest.getHttpServer()).get('/readyz').expect(503);
    expect(res.body.checks.slow).toMatch(/no answer within 200 ms/);
  });

  it('serves default metrics and metrics others register', async () => {
    const registry = new Registry();
    new Counter({ name: 'xl_alerts_created_total', help: 'alerts created', registers: [registry] }).inc(3);
    const nest = await boot([], registry);
    const res = await request(nest.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('xl_alerts_created_total 3');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  /** A non-loopback address of this machine: a caller from it is not local to the listener. */
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  describe('without METRICS_TOKEN', () => {
    it('serves /metrics to this machine only', async () => {
      const nest = await boot([]);
      await request(nest.getHttpServer()).get('/metrics').expect(200);
      // A proxy on this machine relaying a caller from elsewhere does not count as local.
      const proxied = await request(nest.getHttpServer())
        .get('/metrics')
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(403);
      expect(proxied.body.message).toMatch(/METRICS_TOKEN/);
      expect(proxied.text).not.toContain('process_cpu');
    });

    (lanAddress ? it : it.skip)('refuses a caller connecting from another address with 403', async () => {
      const nest = await boot([]);
      await nest.listen(0, '0.0.0.0');
      const { port } = nest.getHttpServer().address() as { port: number };
      const res = await fetch(`http://${lanAddress}:${port}/metrics`);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('process_cpu');
      expect((await fetch(`http://${lanAddress}:${port}/healthz`)).status).toBe(200);
    });
  });

  describe('with METRICS_TOKEN', () => {
    it('wants the token as a bearer, from anywhere, loopback included', async () => {
      const nest = await boot([], new Registry(), 'metrics-token-123');
      const missing = await request(nest.getHttpServer()).get('/metrics').expect(401);
      expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(missing.text).not.toContain('process_cpu');
      await request(nest.getHttpServer()).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
      const ok = await request(nest.getHttpServer())
        .get('/metrics')
        .set('Authorization', 'Bearer metrics-token-123')
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(200);
      expect(ok.text).toContain('process_cpu_user_seconds_total');
      await request(nest.getHttpServer()).get('/healthz').expect(200);
    });

    (lanAddress ? it : it.skip)('serves a remote caller that has the token', async () => {
      const nest = await boot([], new Registry(), 'metrics-token-123');
      await nest.listen(0, '0.0.0.0');
      const { port } = nest.getHttpServer().address() as { port: number };
      const url = `http://${lanAddress}:${port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer metrics-token-123' } })).status).toBe(200);
    });
  });

  it('builds checks from injected providers with forRootAsync', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRootAsync({
          registry: new Registry(),
          useFactory: () => [{ name: 'custom', check: () => undefined }],
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await request(app.getHttpServer())
      .get('/readyz')
      .expect(200, { status: 'ok', checks: { custom: 'ok' } });
  });

  it('marks its routes public for the auth guard', () => {
    const reflector = new Reflector();
    expect(
      reflector.getAllAndOverride(IS_PUBLIC_KEY, [HealthController.prototype.readyz, HealthController]),
    ).toBe(true);
  });
});
