import { AlertService } from '../../apps/alert-service/src/alert-service';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL } from '../support/database';

describe('alert-service status routes', () => {
  let service: AlertService;

  beforeAll(async () => {
    service = new AlertService({
      databaseUrl: await createTestDatabase(),
      redisUrl: TEST_REDIS_URL,
      redisPrefix: createTestRedisPrefix(),
      port: 0,
      concurrency: 1,
    });
    await service.start();
  });
  afterAll(() => service.stop());

  it('answers /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${service.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('xl_alert_events_total');
    expect(metrics).toContain('xl_alert_event_seconds');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});
