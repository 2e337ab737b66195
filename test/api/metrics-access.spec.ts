import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { call, startApi, TestApi } from '../support/api';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** The api's /metrics as deployed: this machine only by default, METRICS_TOKEN holders otherwise. */
describe('api /metrics access', () => {
  let api: TestApi | undefined;
  let lan: Server | undefined;

  /** startApi listens on loopback; serve the same app on every interface too, as main.ts does. */
  async function lanUrl(app: TestApi): Promise<string> {
    lan = createServer(app.app.getHttpAdapter().getInstance() as RequestListener);
    await new Promise<void>((resolve) => lan!.listen(0, '0.0.0.0', resolve));
    return `http://${lanAddress}:${(lan.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    await new Promise<void>((resolve) => (lan ? lan.close(() => resolve()) : resolve()));
    lan = undefined;
    await api?.close();
    api = undefined;
    delete process.env.METRICS_TOKEN;
  });

  (lanAddress ? it : it.skip)(
    'without METRICS_TOKEN: served on loopback, 403 from another address',
    async () => {
      api = await startApi({ METRICS_TOKEN: '' });
      expect((await call(api, undefined, '/metrics')).status).toBe(200);
      const remote = await lanUrl(api);
      const refused = await fetch(`${remote}/metrics`);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain('process_cpu');
      expect((await fetch(`${remote}/healthz`)).status).toBe(200);
    },
  );

  it('with METRICS_TOKEN: 401 without the bearer token, 200 with it', async () => {
    api = await startApi({ METRICS_TOKEN: 'api-metrics-token-0123' });
    const missing = await call(api, undefined, '/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.text()).not.toContain('process_cpu');
    const ok = await call(api, 'api-metrics-token-0123', '/metrics');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/process_cpu_seconds_total/);
    expect((await call(api, undefined, '/healthz')).status).toBe(200);
  });
});
