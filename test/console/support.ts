import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoCounty } from '@xueliang/db';
import { startApi, type TestApi } from '../support/api';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { startAlertStack, type AlertStack } from '../alerts/support';

export { until } from '../support/wait';

/** The checkout's root, also when this file runs compiled from dist/ (the console bench). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
export const CONSOLE_DIST = join(ROOT, 'dist/console');
const ARTIFACTS = join(ROOT, 'artifacts/console');
const README_SHOTS = join(ROOT, 'docs/screenshots');

/** Debian's chromium; a browser is never downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Builds the console once if this checkout has no build yet. */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  execSync('npm run build:console', { cwd: ROOT, stdio: 'inherit' });
}

export interface ConsoleRig {
  api: TestApi;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** The real api (own database and Redis prefix) serving the built console, and a headless chromium. */
export async function startConsole(env: NodeJS.ProcessEnv = {}): Promise<ConsoleRig> {
  ensureConsoleBuilt();
  const api = await startApi({ CONSOLE_DIST, ...env });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await api.close();
    throw err;
  }
  return {
    api,
    browser,
    url: api.url,
    close: async () => {
      await browser.close().catch(() => undefined);
      await api.close();
    },
  };
}

export interface AlertConsoleRig extends ConsoleRig {
  stack: AlertStack;
}

/** Console over the api plus an in-process alert-service, so raised events become alerts and pushes. */
export async function startAlertConsole(): Promise<AlertConsoleRig> {
  ensureConsoleBuilt();
  process.env.CONSOLE_DIST = CONSOLE_DIST;
  const stack = await startAlertStack();
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await stack.close();
    throw err;
  }
  return {
    api: stack.api,
    stack,
    browser,
    url: stack.api.url,
    close: async () => {
      await browser.close().catch(() => undefined);
      await stack.close();
    },
  };
}

/** Placeholder cameras spread over every township (the seed's benchmark helper). */
export async function seedCameras(databaseUrl: string, count: number): Promise<void> {
  await seedDemoCounty({ databaseUrl, credentialKey: TEST_CREDENTIAL_KEY, cameras: count });
}

export async function newPage(
  rig: ConsoleRig,
  options: { width?: number; height?: number; locale?: 'zh-CN' | 'en' } = {},
): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await rig.browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  if (options.locale === 'en') await context.addInitScript("localStorage.setItem('xl.locale', 'en')");
  // Every Content-Security-Policy refusal, from the browser's console and the DOM event (which
  // also sees refusals in workers): a spec asserts none happened while the console ran.
  await context.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => " +
      "console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')))",
  );
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|CSP violation/i.test(msg.text())) cspViolations.push(msg.text());
  });
  page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
  return { context, page, cspViolations };
}

/** Signs in through the real login form and waits for the shell. */
export async function loginAs(
  rig: ConsoleRig,
  page: Page,
  username: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto(`${rig.url}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('shell-user').waitFor({ timeout: 15_000 });
}

/**
 * Saves artifacts/console/<name>.png. With `readme` and XL_README_SHOTS=1 it also refreshes
 * docs/screenshots/<name>.png, the README's pictures; a plain test run leaves tracked files alone.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { readme?: boolean } = {},
): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  if (options.readme && process.env.XL_README_SHOTS === '1') {
    mkdirSync(README_SHOTS, { recursive: true });
    copyFileSync(file, join(README_SHOTS, `${name}.png`));
  }
  return file;
}

/** Whether an api route has landed yet (another team builds it); used to skip what waits on it. */
export async function routeExists(rig: ConsoleRig, token: string, path: string): Promise<boolean> {
  const res = await fetch(`${rig.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.status !== 404;
}
