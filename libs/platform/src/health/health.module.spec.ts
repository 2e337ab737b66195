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

  async function boot(checks: ReadinessCheck[], registry = new Registry()): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ checks, registry, checkTimeoutMs: 200 })],
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
