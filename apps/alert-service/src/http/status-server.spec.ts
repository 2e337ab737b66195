import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Counter, Registry } from 'prom-client';
import { createStatusServer } from './status-server';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('alert-service status server /metrics', () => {
  let server: Server | undefined;
  const registry = new Registry();
  new Counter({ name: 'xl_probe_total', help: 'probe', registers: [registry] }).inc();

  async function serve(metricsToken?: string): Promise<number> {
    server = createStatusServer({ ready: () => Promise.resolve() }, registry, { metricsToken });
    await new Promise<void>((resolve) => server!.listen(0, '0.0.0.0', resolve));
    return (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('without METRICS_TOKEN answers loopback and refuses proxied callers with 403', async () => {
    const port = await serve();
    const local = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('xl_probe_total 1');
    const proxied = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    expect(await proxied.text()).not.toContain('xl_probe_total');
  });

  (lanAddress ? it : it.skip)('without METRICS_TOKEN refuses another address with 403', async () => {
    const port = await serve();
    const res = await fetch(`http://${lanAddress}:${port}/metrics`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('xl_probe_total');
    expect((await fetch(`http://${lanAddress}:${port}/healthz`)).status).toBe(200);
  });

  it('with METRICS_TOKEN wants the bearer token, loopback included', async () => {
    const port = await serve('alert-metrics-token');
    const url = `http://127.0.0.1:${port}/metrics`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer alert-metrics-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('xl_probe_total 1');
  });
});
