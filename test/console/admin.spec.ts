import { Client } from 'pg';
import { loginAs, newPage, screenshot, seedCameras, startConsole, until, type ConsoleRig } from './support';

jest.setTimeout(120_000);

describe('console: admin pages (real api, headless chromium)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsole();
    await seedCameras(rig.api.databaseUrl, 40);
    const pg = new Client({ connectionString: rig.api.databaseUrl });
    await pg.connect();
    await pg.query(
      `UPDATE cameras SET status = CASE WHEN (hashtext(id::text) % 4) = 0 THEN 'offline' ELSE 'online' END,
              status_reason = CASE WHEN (hashtext(id::text) % 4) = 0 THEN 'unreachable' ELSE NULL END`,
    );
    await pg.end();
  });
  afterAll(() => rig?.close());

  it('lists users, units, regions and SLA policies; a new unit appears after saving', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'admin');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    for (const username of ['duty', 'dispatcher', 'duty_t1', 'responder_t1']) {
      await page.locator(`[data-testid=user-row][data-username="${username}"]`).waitFor();
    }
    await screenshot(page, 'admin-users', { readme: true });

    await page.getByTestId('tab-units').click();
    await page.getByTestId('units-table').waitFor();
    await page.getByText('县公安局指挥中心').waitFor();
    expect(await page.getByTestId('unit-row').count()).toBe(27);
    await page.getByRole('button', { name: '新建' }).click();
    await page.locator('.dialog input').first().fill('清泉镇应急分队');
    await page.getByTestId('form-save').click();
    await page.getByText('清泉镇应急分队').waitFor();
    await screenshot(page, 'admin-units');

    await page.getByTestId('tab-regions').click();
    await page.getByTestId('regions-table').getByText('清泉镇', { exact: true }).first().waitFor();
    await page.getByTestId('tab-sla').click();
    await page.getByTestId('sla-table').waitFor();
    await screenshot(page, 'admin-sla');
    await context.close();
  });

  it('technicians see the device list and why cameras are offline; supervisors see statistics', async () => {
    const tech = await newPage(rig);
    await loginAs(rig, tech.page, 'technician');
    await tech.page.getByTestId('nav-cameras').click();
    await until('camera rows', async () => (await tech.page.getByTestId('camera-row').count()) === 40);
    await tech.page.getByTestId('tab-health').click();
    const offline = tech.page.locator('[data-testid=camera-row][data-status=offline]');
    await offline.first().waitFor();
    expect(await tech.page.locator('[data-testid=camera-row][data-status=online]').count()).toBe(0);
    expect(await offline.first().textContent()).toContain('网络不可达');
    await screenshot(tech.page, 'cameras-health', { readme: true });
    await offline.first().getByRole('button', { name: '静默' }).click();
    await tech.page.getByTestId('mute-dialog').locator('input').last().fill('线路检修');
    await tech.page.getByTestId('mute-dialog').getByRole('button', { name: '静默' }).click();
    await tech.page.getByTestId('mute-dialog').waitFor({ state: 'detached' });
    await tech.page.getByTestId('tab-mutes').click();
    await tech.page.getByTestId('mutes-table').getByText('线路检修').waitFor();
    await tech.page.getByTestId('tab-health').click();
    await tech.page.getByTestId('camera-add').click();
    await tech.page.getByTestId('location-picker').waitFor();
    await screenshot(tech.page, 'cameras-add');
    await tech.context.close();

    const sup = await newPage(rig);
    await loginAs(rig, sup.page, 'supervisor');
    await sup.page.getByTestId('nav-statistics').click();
    await sup.page.getByTestId('chart-networking').waitFor();
    await sup.page.locator('[data-testid=chart-networking] .recharts-bar-rectangle').first().waitFor();
    await screenshot(sup.page, 'statistics', { readme: true });
    await sup.context.close();
  });
});
