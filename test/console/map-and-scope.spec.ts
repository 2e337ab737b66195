import { Client } from 'pg';
import type { RegionView } from '@xueliang/contracts';
import { login } from '../support/api';
import { places } from '../alerts/support';
import {
  loginAs,
  newPage,
  screenshot,
  seedCameras,
  startAlertConsole,
  until,
  type AlertConsoleRig,
} from './support';

jest.setTimeout(180_000);

describe('console: the one map and region scope (real api + alert-service, headless chromium)', () => {
  let rig: AlertConsoleRig;
  let pg: Client;
  let t1Cameras: number;
  let total: number;

  beforeAll(async () => {
    rig = await startAlertConsole();
    pg = rig.stack.pg;
    await seedCameras(rig.api.databaseUrl, 120);
    // Some cameras online, some offline, so both colours and a networking rate show.
    await pg.query(
      `UPDATE cameras SET status = CASE WHEN (hashtext(id::text) % 5) = 0 THEN 'offline' ELSE 'online' END`,
    );
    const p = await places(pg);
    total = Number((await pg.query('SELECT count(*) FROM cameras')).rows[0].count);
    t1Cameras = Number(
      (await pg.query('SELECT count(*) FROM cameras WHERE region_path LIKE $1', [`${p.t1.path}%`])).rows[0]
        .count,
    );
    // One open alert in each of the first two townships, raised by the county duty officer.
    const duty = await login(rig.api, 'duty');
    for (const [region, title] of [
      [p.village1.id, '清泉镇村口人员聚集'],
      [p.t2.id, '位奇镇路口交通事故'],
    ]) {
      const { rows } = await pg.query<{ lon: number; lat: number }>(
        'SELECT lon, lat FROM regions WHERE id = $1',
        [region],
      );
      const res = await duty.call('/api/alerts', {
        method: 'POST',
        json: { type: 'crowding', priority: 'high', title, regionId: region, location: rows[0] },
      });
      expect([201, 202]).toContain(res.status);
    }
  });
  afterAll(() => rig?.close());

  it('the county duty officer sees every township, the seeded cameras and open alerts on the map', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.getByTestId('nav-map').click();
    const map = page.getByTestId('map-canvas');
    await map.waitFor();
    await until('cameras drawn', async () => Number(await map.getAttribute('data-cameras')) === total);
    expect(Number(await map.getAttribute('data-regions'))).toBeGreaterThan(150);
    await until('alerts drawn', async () => Number(await map.getAttribute('data-alerts')) >= 2);
    for (const name of ['清泉镇', '位奇镇', '李桥乡']) {
      expect(await page.locator(`[data-testid=region-node][data-region-name="${name}"]`).count()).toBe(1);
    }
    await page.locator('canvas').first().waitFor();
    await screenshot(page, 'map-county', { readme: true });

    // Jump to a township: the view fits its boundary.
    await page.locator('[data-testid=region-node][data-region-name="霍城镇"] .tree-label').click();
    await page.waitForURL(/region=/);
    await page.waitForTimeout(600);
    await screenshot(page, 'map-township-focus');
    await context.close();
  });

  it('a township duty officer (duty_t1) sees only their township on the map and in the desk', async () => {
    const t1 = await login(rig.api, 'duty_t1');
    const regions = (await (await t1.call('/api/regions')).json()) as RegionView[];
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty_t1');
    await page.getByTestId('nav-map').click();
    const map = page.getByTestId('map-canvas');
    await until(
      'own cameras drawn',
      async () => Number(await map.getAttribute('data-cameras')) === t1Cameras,
    );
    expect(Number(await map.getAttribute('data-regions'))).toBe(regions.length);
    expect(await page.locator('[data-testid=region-node][data-region-name="清泉镇"]').count()).toBe(1);
    expect(await page.locator('[data-testid=region-node][data-region-name="位奇镇"]').count()).toBe(0);
    await until('own alert drawn', async () => Number(await map.getAttribute('data-alerts')) === 1);
    await screenshot(page, 'map-township-duty', { readme: true });

    await page.getByTestId('nav-alerts').click();
    const rows = page.getByTestId('alert-row');
    await rows.first().waitFor();
    await until('one alert in the desk', async () => (await rows.count()) === 1);
    expect(await rows.first().textContent()).toContain('清泉镇村口人员聚集');
    expect(await page.getByText('位奇镇路口交通事故').count()).toBe(0);
    await screenshot(page, 'desk-township-duty');
    await context.close();
  });
});
