import type { AlertView } from '@xueliang/contracts';
import { addCamera, cameraEvent, places } from '../alerts/support';
import { login } from '../support/api';
import { loginAs, newPage, screenshot, startAlertConsole, until, type AlertConsoleRig } from './support';

jest.setTimeout(240_000);

const BACKLOG = 10_000;

describe('console: the desk with a 10,000-alert backlog (headless chromium)', () => {
  let rig: AlertConsoleRig;

  beforeAll(async () => {
    rig = await startAlertConsole();
    const p = await places(rig.stack.pg);
    const cam = await addCamera(rig.stack.pg, p.village1, '城南村村口');
    await rig.stack.enqueue(cameraEvent(cam, 1, { title: '积压警情' }));
    const duty = await login(rig.api, 'duty');
    const first = await until('first alert', async () => {
      const res = await duty.call('/api/alerts?status=open');
      return ((await res.json()) as { items: AlertView[] }).items[0];
    });
    // Clone it into a backlog (distinct numbers and correlation keys; priorities and times spread).
    await rig.stack.pg.query(
      `INSERT INTO alerts
       SELECT (jsonb_populate_record(NULL::alerts, to_jsonb(a) || jsonb_build_object(
         'id', gen_random_uuid(),
         'number', a.number || '-' || g,
         'title', a.title || ' #' || g,
         'priority', (ARRAY['high','medium','low'])[1 + g % 3],
         'correlation_key', a.correlation_key || ':' || g,
         'created_at', a.created_at - make_interval(secs => g),
         'first_seen_at', a.first_seen_at - make_interval(secs => g)
       ))).*
       FROM alerts a, generate_series(1, $2::int) g WHERE a.id = $1`,
      [first.id, BACKLOG - 1],
    );
  });
  afterAll(() => rig?.close());

  it('pages the whole backlog in, keeps only the visible rows in the DOM, and j/k and scrolling still work', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.getByTestId('nav-alerts').click();
    const list = page.getByTestId('alert-list');
    await until(
      'backlog loaded',
      async () => Number(await list.getAttribute('data-count')) >= BACKLOG,
      120_000,
    );
    const rowsInDom = await page.getByTestId('alert-row').count();
    expect(rowsInDom).toBeGreaterThan(5);
    expect(rowsInDom).toBeLessThan(80);

    await page.getByTestId('alert-row').first().click();
    for (let i = 0; i < 5; i++) await page.keyboard.press('j');
    await page.keyboard.press('k');
    const selected = page.locator('.alert-row-selected');
    expect(await selected.count()).toBe(1);

    // Jump to the bottom: the last rows render, still only a window of them.
    await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    // The oldest clone (#9999) sorts last.
    await page.getByText('积压警情 #9999', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('alert-row').count()).toBeLessThan(80);
    await screenshot(page, 'desk-10k-backlog');
    await context.close();
  });
});
