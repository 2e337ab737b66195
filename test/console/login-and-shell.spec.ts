import type { UserView } from '@xueliang/contracts';
import { login } from '../support/api';
import { startConsole, newPage, loginAs, screenshot, type ConsoleRig } from './support';

jest.setTimeout(120_000);

describe('console: sign-in and shell (real api, headless chromium)', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsole({ LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => rig?.close());

  it('a wrong password is shown on the form, then the right one opens the shell', async () => {
    const { context, page, cspViolations } = await newPage(rig);
    await page.goto(`${rig.url}/`);
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('login-username').fill('duty');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), '用户名或密码错误');
    await screenshot(page, 'login-wrong-password', { readme: true });

    await loginAs(rig, page, 'duty');
    await expectText(page.getByTestId('shell-user'), '值班员 王芳');
    await expectText(page.getByTestId('shell-user'), '丹霞县');
    const conn = await page.getByTestId('connection-state').getAttribute('data-state');
    expect(['connecting', 'connected', 'reconnecting', 'offline']).toContain(conn);
    // Duty officers get the desk, not admin.
    expect(await page.getByTestId('nav-alerts').count()).toBe(1);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await screenshot(page, 'shell-duty');

    // The language switch is persisted across reloads.
    await page.getByTestId('language-switch').click();
    await expectText(page.getByTestId('logout'), 'Sign out');
    await page.reload();
    await expectText(page.getByTestId('logout'), 'Sign out');
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    // The shell ran under the api's Content-Security-Policy without a refusal.
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});

describe('console: sign-in failures the operator must be able to read', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsole({ LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => rig?.close());

  it('too many attempts (429) and a dead network each say so', async () => {
    const { context, page } = await newPage(rig);
    await page.goto(`${rig.url}/login`);
    await page.getByTestId('login-username').fill('technician');
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('login-password').fill(`wrong-${i}`);
      await page.getByTestId('login-submit').click();
      await expectText(page.getByTestId('login-error'), '用户名或密码错误');
    }
    await page.getByTestId('login-password').fill('xueliang');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), '尝试次数过多');
    await screenshot(page, 'login-rate-limited');

    await page.route('**/api/auth/login', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('login-username').fill('duty');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), '无法连接服务器');
    await context.close();
  });

  it('a session the server no longer accepts (401) lands on the login page saying it expired', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'supervisor');
    // Corrupt the stored token, as a server-side secret rotation would.
    await page.evaluate(`(() => {
      const s = JSON.parse(localStorage.getItem('xl.session'));
      s.accessToken = s.accessToken.slice(0, -4) + 'AAAA';
      localStorage.setItem('xl.session', JSON.stringify(s));
    })()`);
    await page.goto(`${rig.url}/statistics`);
    await page.getByTestId('login-form').waitFor();
    await expectText(page.locator('.notice'), '登录已过期');
    await context.close();
  });

  it('a session an admin revokes sends the open console to the login page (socket ended)', async () => {
    const admin = await login(rig.api, 'admin');
    const username = `revoked_${Date.now().toString(36)}`;
    const created = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username,
        displayName: '停用值班员',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: admin.user.regionId,
      },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserView;
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, username, 'password123');
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    await page.waitForLoadState('networkidle');
    // Nothing on the page calls the api now: only the ended socket can tell the console.
    const disabled = await admin.call(`/api/users/${user.id}`, { method: 'PATCH', json: { disabled: true } });
    expect(disabled.status).toBe(200);
    await page.getByTestId('login-form').waitFor();
    await expectText(page.locator('.notice'), '登录已过期');
    await context.close();
  });

  it('the English switch works on the sign-in page too', async () => {
    const { context, page } = await newPage(rig, { locale: 'en' });
    await page.goto(`${rig.url}/login`);
    await page.getByTestId('login-username').fill('dispatcher');
    await page.getByTestId('login-password').fill('not-it');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), 'Wrong username or password');
    await context.close();
  });
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.waitFor();
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
}
