import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tileSources } from '@xueliang/platform';
import { login, startApi, type TestApi } from '../support/api';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../console/support';

/** Security headers on API answers and on the console, with the tile server allowed by the CSP. */
describe('security headers (real api serving the built console)', () => {
  let api: TestApi;

  beforeAll(async () => {
    ensureConsoleBuilt();
    api = await startApi({
      CONSOLE_DIST,
      MAP_TILE_URL: 'https://{a-c}.tiles.example.org:8443/{z}/{x}/{y}.png',
    });
  });
  afterAll(() => api.close());

  function directives(res: Response): Map<string, string[]> {
    const csp = res.headers.get('content-security-policy') ?? '';
    return new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name, values]),
    );
  }

  function expectCommonHeaders(res: Response): void {
    const csp = directives(res);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(csp.get('media-src')).toEqual(["'self'", 'blob:']);
    expect(csp.get('img-src')).toEqual(expect.arrayContaining(['data:', 'https://*.tiles.example.org:8443']));
    expect(csp.get('connect-src')).toEqual(
      expect.arrayContaining(["'self'", `ws://${new URL(api.url).host}`, 'https://*.tiles.example.org:8443']),
    );
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  }

  it('API answers, success or error, carry the headers and no-store', async () => {
    const duty = await login(api, 'duty');
    for (const res of [
      await duty.call('/api/alerts'),
      await fetch(`${api.url}/api/config`),
      await fetch(`${api.url}/api/alerts`),
      await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'x'.repeat(2_000_000) }),
      }),
      await fetch(`${api.url}/healthz`),
    ]) {
      expectCommonHeaders(res);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it("the console's index.html carries them too; its hashed assets stay cacheable", async () => {
    const index = await fetch(`${api.url}/alerts`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expectCommonHeaders(index);
    expect(index.headers.get('cache-control')).not.toMatch(/no-store/);

    const asset = readdirSync(join(CONSOLE_DIST, 'assets')).find((f) => f.endsWith('.js'))!;
    const js = await fetch(`${api.url}/assets/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(js.headers.get('cache-control')).toMatch(/max-age=\d+/);
  });

  it.each([
    ['https://tile.example.org/{z}/{x}/{y}.png', ['https://tile.example.org']],
    ['http://{s}.tile.example.org:8080/{z}/{x}/{y}.png', ['http://*.tile.example.org:8080']],
    ['HTTPS://user:pw@tiles.example.org/{z}/{x}/{y}', ['https://tiles.example.org']],
    ['/tiles/{z}/{x}/{y}.png', []],
    ['', []],
    ["https://evil.example.org;script-src 'unsafe-inline'/{z}", []],
  ])('the tile server %s becomes CSP source %j', (template, sources) => {
    expect(tileSources(template)).toEqual(sources);
  });
});
