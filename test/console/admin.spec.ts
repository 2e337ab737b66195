import { loginAs, newPage, screenshot, startConsole, type ConsoleRig } from './support';

jest.setTimeout(120_000);

describe('console: admin pages (real api, headless chromium)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsole();
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
});
