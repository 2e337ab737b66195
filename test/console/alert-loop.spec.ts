import type { AlertView } from '@xueliang/contracts';
import { addCamera, cameraEvent, places } from '../alerts/support';
import { login } from '../support/api';
import { loginAs, newPage, screenshot, startAlertConsole, until, type AlertConsoleRig } from './support';

jest.setTimeout(240_000);

describe('console: the closed loop through the UI (api + alert-service, headless chromium)', () => {
  let rig: AlertConsoleRig;
  let cameraId: string;

  beforeAll(async () => {
    rig = await startAlertConsole();
    const p = await places(rig.stack.pg);
    cameraId = await addCamera(rig.stack.pg, p.village1, '城南村村口');
  });
  afterAll(() => rig?.close());

  it('a camera event appears in the open desk without reload; duty → dispatcher → responder → supervisor close it', async () => {
    // Duty officer has the desk open before anything happens.
    const duty = await newPage(rig);
    await loginAs(rig, duty.page, 'duty');
    await duty.page.getByTestId('nav-alerts').click();
    await duty.page.getByTestId('alert-count').waitFor();
    await until(
      'live connection',
      async () =>
        (await duty.page.getByTestId('connection-state').getAttribute('data-state')) === 'connected',
    );

    await rig.stack.enqueue(cameraEvent(cameraId, 1, { priority: 'high', title: '城南村村口移动侦测' }));
    const row = duty.page.getByTestId('alert-row').filter({ hasText: '城南村村口移动侦测' });
    await row.waitFor({ timeout: 30_000 });
    const alertId = (await row.getAttribute('data-alert-id'))!;
    expect(await row.getAttribute('data-status')).toBe('NEW');
    await duty.page.getByTestId('new-alert-toast').waitFor();
    await screenshot(duty.page, 'desk-new-alert', { readme: true });

    // a = acknowledge the selected alert.
    await row.click();
    await duty.page.keyboard.press('a');
    await until(
      'acknowledged in the desk',
      async () => (await row.getAttribute('data-status')) === 'ACKNOWLEDGED',
    );
    await duty.page.keyboard.press('?');
    await duty.page.getByTestId('help-overlay').waitFor();
    await screenshot(duty.page, 'desk-help');
    await duty.page.keyboard.press('Escape');

    // Dispatcher routes it to the responder from the detail page.
    const dispatcher = await newPage(rig);
    await loginAs(rig, dispatcher.page, 'dispatcher');
    await dispatcher.page.goto(`${rig.url}/alerts/${alertId}`);
    await dispatcher.page.getByTestId('action-dispatch').click();
    const target = dispatcher.page.getByTestId('dispatch-target');
    await until('responders listed', async () => (await target.locator('option').count()) > 2);
    const responderValue = await target
      .locator('option', { hasText: '处置员 赵磊' })
      .first()
      .getAttribute('value');
    await target.selectOption(responderValue);
    await dispatcher.page.getByTestId('dialog-text').fill('请立即到场查看');
    await screenshot(dispatcher.page, 'dispatch-dialog');
    await dispatcher.page.getByTestId('dialog-submit').click();
    await until(
      'dispatched',
      async () => (await dispatcher.page.getByTestId('detail-status').textContent()) === '已交办',
    );
    // The duty officer's desk follows without reload.
    await until(
      'desk shows dispatched',
      async () => (await row.getAttribute('data-status')) === 'DISPATCHED',
    );

    // Responder on a phone: accept, arrive, resolve with a note.
    const responder = await newPage(rig, { width: 390, height: 844 });
    await loginAs(rig, responder.page, 'responder');
    await responder.page.waitForURL(/\/tasks/);
    const card = responder.page.locator(`[data-testid=task-card][data-alert-id="${alertId}"]`);
    await card.waitFor();
    await card.getByTestId('task-accept').click();
    await until('accepted', async () => (await card.getAttribute('data-status')) === 'ACCEPTED');
    await card.getByTestId('task-arrive').click();
    await until('on scene', async () => (await card.getAttribute('data-status')) === 'ON_SCENE');
    await screenshot(responder.page, 'tasks-phone', { readme: true });
    await card.getByTestId('task-note').fill('现场为村民夜间装卸货物，已劝离');
    await card.getByTestId('task-resolve').click();
    await card.waitFor({ state: 'detached' });

    // Supervisor: follow-up with satisfaction, then close.
    const supervisor = await newPage(rig);
    await loginAs(rig, supervisor.page, 'supervisor');
    await supervisor.page.goto(`${rig.url}/alerts/${alertId}`);
    await supervisor.page.getByTestId('action-follow-up').click();
    await supervisor.page.getByTestId('satisfaction-5').click();
    await supervisor.page.getByTestId('dialog-text').fill('群众满意');
    await supervisor.page.getByTestId('dialog-submit').click();
    await supervisor.page.getByTestId('action-close').click();
    await until(
      'closed',
      async () => (await supervisor.page.getByTestId('detail-status').textContent()) === '已办结',
    );
    await until(
      'timeline complete',
      async () => (await supervisor.page.getByTestId('timeline-entry').count()) >= 7,
    );
    await screenshot(supervisor.page, 'alert-detail-closed', { readme: true });

    const final = (await (
      await (await login(rig.api, 'supervisor')).call(`/api/alerts/${alertId}`)
    ).json()) as AlertView;
    expect(final.status).toBe('CLOSED');
    expect(final.satisfaction).toBe(5);
    for (const s of [duty, dispatcher, responder, supervisor]) await s.context.close();
  });

  it('a stale action answers 409: the page says someone else acted and shows the fresh alert', async () => {
    const p = await places(rig.stack.pg);
    const cam = await addCamera(rig.stack.pg, p.village1, '北关村路口');
    await rig.stack.enqueue(cameraEvent(cam, 1, { title: '北关村路口越线' }));
    const dispatcherApi = await login(rig.api, 'dispatcher');
    const alert = await until('alert made', async () => {
      const res = await dispatcherApi.call('/api/alerts?q=%E5%8C%97%E5%85%B3%E6%9D%91%E8%B7%AF%E5%8F%A3');
      return ((await res.json()) as { items: AlertView[] }).items[0];
    });

    // This duty officer's live connection is cut, so only the 409 can tell them.
    const duty = await newPage(rig);
    await duty.page.route('**/socket.io/**', (route) => route.abort());
    await duty.page.routeWebSocket(/socket\.io/, (ws) => ws.close());
    await loginAs(rig, duty.page, 'duty');
    await duty.page.goto(`${rig.url}/alerts/${alert.id}`);
    await duty.page.getByTestId('action-ack').waitFor();

    const acked = await dispatcherApi.call(`/api/alerts/${alert.id}/ack`, {
      method: 'POST',
      json: { version: alert.version },
    });
    expect(acked.status).toBe(200);

    await duty.page.getByTestId('action-ack').click();
    await duty.page.getByTestId('conflict').waitFor();
    expect(await duty.page.getByTestId('conflict').textContent()).toContain('他人已处理');
    await until(
      'fresh status shown',
      async () => (await duty.page.getByTestId('detail-status').textContent()) === '已受理',
    );
    expect(await duty.page.getByTestId('action-ack').count()).toBe(0);
    await until(
      'connection state says not live',
      async () =>
        ['reconnecting', 'offline'].includes(
          (await duty.page.getByTestId('connection-state').getAttribute('data-state')) ?? '',
        ),
      30_000,
    );
    await screenshot(duty.page, 'alert-detail-conflict', { readme: true });

    // Dismiss needs a reason; the list then drops the alert from the open inbox.
    await duty.page.getByTestId('action-dismiss').click();
    await duty.page.getByTestId('dialog-text').fill('行人正常通行，误报');
    await duty.page.getByTestId('dialog-submit').click();
    await until(
      'dismissed',
      async () => (await duty.page.getByTestId('detail-status').textContent()) === '误报',
    );
    await duty.context.close();
  });
});
