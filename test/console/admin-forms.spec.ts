import { loginAs, newPage, startConsole, type ConsoleRig } from './support';

jest.setTimeout(120_000);

/**
 * The admin forms drawn from one CrudTable configuration each: what each form shows when creating
 * and when editing, that a saved SLA policy shows its new deadline, and that an integration key is
 * shown once and can be revoked.
 */
describe('console: admin forms (real api, headless chromium)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsole();
  });
  afterAll(() => rig?.close());

  it('user and region forms lock what cannot change once created', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'admin');
    await page.goto(`${rig.url}/admin?tab=users`);
    await page.getByTestId('user-create').click();
    const form = page.getByTestId('user-form');
    await form.waitFor();
    await expectCount(form.locator('input[type=checkbox]:checked'), 1); // duty_officer ticked
    expect(await form.locator('input').first().isDisabled()).toBe(false);
    expect(await form.getByText('停用').count()).toBe(0);
    await form.getByRole('button', { name: '取消' }).click();
    await form.waitFor({ state: 'detached' });
    await page
      .locator('[data-testid=user-row][data-username="duty_t1"]')
      .getByRole('button', { name: '编辑' })
      .click();
    await form.waitFor();
    expect(await form.locator('input').first().isDisabled()).toBe(true);
    expect(await form.locator('input').first().inputValue()).toBe('duty_t1');
    await form.getByText('停用').waitFor();
    await form.getByRole('button', { name: '取消' }).click();

    await page.goto(`${rig.url}/admin?tab=regions`);
    await page.getByTestId('regions-table').waitFor();
    const dialog = page.locator('.dialog');
    await page.getByRole('button', { name: '新建' }).click();
    await dialog.waitFor();
    expect(await page.locator('.dialog select').count()).toBe(2); // level and parent
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('regions-table').getByRole('button', { name: '编辑' }).first().click();
    await dialog.waitFor();
    expect(await page.locator('.dialog select').count()).toBe(0);
    expect(await page.locator('.dialog input').first().isDisabled()).toBe(true);
    await context.close();
  });

  it('a saved SLA policy shows its new deadline; a new key is shown once and can be revoked', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'admin');
    await page.goto(`${rig.url}/admin?tab=sla`);
    const first = page.getByTestId('sla-table').locator('tbody tr').first();
    await first.getByRole('button', { name: '编辑' }).click();
    await page.locator('.dialog input').first().fill('7');
    await page.getByTestId('form-save').click();
    await page.locator('.dialog').waitFor({ state: 'detached' });
    // The acknowledge column (third) of the edited policy.
    await first.locator('td:nth-child(3)', { hasText: /^7m$/ }).waitFor();

    page.on('dialog', (d) => void d.accept());
    await page.goto(`${rig.url}/admin?tab=integrations`);
    await page.getByTestId('integrations-table').waitFor();
    await page.getByRole('button', { name: '新建' }).click();
    await page.locator('.dialog input').first().fill('12345 热线测试');
    await page.getByTestId('form-save').click();
    await page.getByTestId('key-once').waitFor();
    expect((await page.locator('.key-once').textContent())?.length).toBeGreaterThan(16);
    const row = page.getByTestId('integrations-table').locator('tr', { hasText: '12345 热线测试' });
    await row.getByRole('button', { name: '吊销' }).click();
    await row.locator('.badge-offline').waitFor();
    await context.close();
  });
});

async function expectCount(locator: { count(): Promise<number> }, n: number): Promise<void> {
  expect(await locator.count()).toBe(n);
}
