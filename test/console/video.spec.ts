import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { Camera } from '@xueliang/db';
import { insertSimCameras, openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';
import { loginAs, newPage, screenshot, startAlertConsole, until, type AlertConsoleRig } from './support';

jest.setTimeout(300_000);

/**
 * The whole video path: simulated ONVIF cameras → gateway (health, events, ffmpeg → HLS) → api
 * → console. Nothing is faked between the sim and the browser.
 */
describe('console: live video, camera events and health from the simulator (headless chromium)', () => {
  let rig: AlertConsoleRig;
  let fleet: CameraFleet;
  let gateway: TestGateway;
  let db: DataSource;
  let cameras: Camera[];

  beforeAll(async () => {
    fleet = await startFleet({ count: 4, ptzEvery: 2 });
    rig = await startAlertConsole();
    gateway = await startTestGateway('gw-console');
    db = await openDb(rig.api.databaseUrl);
    cameras = await insertSimCameras(db, fleet, '清泉镇');
    await until(
      'every sim camera online',
      async () => (await db.getRepository(Camera).countBy({ status: 'online' })) === cameras.length,
      60_000,
    );
  });
  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await rig?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  const simOf = (c: Camera) => fleet.list().find((s) => s.xaddr === c.onvifAddress)!;

  it('a four-tile wall plays live video: currentTime advances in every tile', async () => {
    const { context, page, cspViolations } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.goto(`${rig.url}/walls?layout=4&cams=${cameras.map((c) => c.id).join(',')}`);
    const tiles = page.getByTestId('wall-tile');
    await until('4 tiles', async () => (await tiles.count()) === 4);
    await until(
      'every tile playing',
      async () => (await page.locator('[data-testid=live-player][data-state=playing]').count()) === 4,
      90_000,
    );
    const times = () =>
      page.$$eval('[data-testid=wall-tile] video', (videos) =>
        videos.map((v) => (v as unknown as { currentTime: number }).currentTime),
      );
    const before = await times();
    await until('time advances in all four', async () => {
      const now = await times();
      return now.length === 4 && now.every((t, i) => t > before[i]);
    });
    await screenshot(page, 'wall-4-live', { readme: true });

    // Save the wall for this user; it comes back after a reload (PUT/GET /api/walls).
    await page.getByPlaceholder('画面名称').fill('清泉镇四路');
    await page.getByTestId('wall-save').click();
    await page.reload();
    await page
      .getByTestId('wall-load')
      .locator('option', { hasText: '清泉镇四路' })
      .waitFor({ state: 'attached' });

    // PTZ on the focused tile: a dome gets the pad; holding ▲ sends move, releasing sends stop.
    const domeIndex = cameras.findIndex((c) => c.ptz);
    const tileIds = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id')));
    await tiles.nth(tileIds.indexOf(cameras[domeIndex].id)).click();
    await page.getByTestId('ptz-pad').waitFor();
    const ptzCalls: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/ptz')) ptzCalls.push(r.status());
    });
    const up = page.getByTestId('ptz-up');
    await up.hover();
    await page.mouse.down();
    await page.waitForTimeout(300);
    await page.mouse.up();
    await until('move and stop answered', () => ptzCalls.length >= 2 || undefined);
    expect(ptzCalls.every((s) => s === 200)).toBe(true);

    // Double-click: the main stream, large.
    await tiles.first().dblclick();
    await page.getByTestId('main-stream').waitFor();
    await until(
      'main stream playing',
      async () =>
        (await page
          .locator('[data-testid=main-stream] [data-testid=live-player]')
          .getAttribute('data-state')) === 'playing',
      90_000,
    );
    await screenshot(page, 'wall-main-stream');
    await page.keyboard.press('Escape');

    // The map's camera popup plays the same camera live.
    await page.goto(`${rig.url}/map?camera=${cameras[0].id}`);
    const popup = page.getByTestId('camera-popup');
    await popup.waitFor();
    await until(
      'popup playing',
      async () => (await popup.getByTestId('live-player').getAttribute('data-state')) === 'playing',
      90_000,
    );
    await page.waitForTimeout(400);
    await popup.getByTestId('snapshot-button').click();
    await popup.getByTestId('snapshot-img').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'map-camera-popup', { readme: true });
    // hls.js (blob: workers and media), the map and snapshots all ran under the api's CSP.
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  /** A one-tile wall playing `cam` as duty, with the times of its POST /live requests. */
  async function oneTileWall(cam: Camera) {
    const { context, page } = await newPage(rig);
    const liveRequests: number[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/live')) liveRequests.push(Date.now());
    });
    await loginAs(rig, page, 'duty');
    await page.goto(`${rig.url}/walls?layout=1&cams=${cam.id}`);
    const player = page.locator('[data-testid=wall-tile] [data-testid=live-player]');
    const time = () =>
      page.$eval(
        '[data-testid=wall-tile] video',
        (v) => (v as unknown as { currentTime: number }).currentTime,
      );
    await until('playing', async () => (await player.getAttribute('data-state')) === 'playing', 90_000);
    return { context, page, player, time, liveRequests };
  }

  it('a tile renews its live session before the token expires and recovers from a cut stream by itself', async () => {
    // Short-lived live URLs, so the console has to ask again during the test (read per request).
    process.env.LIVE_TOKEN_TTL_S = '45';
    const { context, page, player, time, liveRequests } = await oneTileWall(cameras[3]);
    const cam = cameras[3];

    // Renewal: a second POST /live comes before the first URL expires, and the picture goes on.
    await until('session renewed', () => liveRequests.length >= 2 || undefined, 60_000);
    const afterRenew = await time();
    await until('still advancing after renewal', async () => (await time()) > afterRenew + 1, 30_000);

    // A network blip on the camera's RTSP: the gateway restarts ffmpeg, the tile carries on unaided.
    fleet.cutStream(simOf(cam).id);
    const atCut = await time();
    await until(
      'playing again after the cut',
      async () => (await player.getAttribute('data-state')) === 'playing' && (await time()) > atCut + 2,
      90_000,
    );
    await screenshot(page, 'wall-1-recovered');
    delete process.env.LIVE_TOKEN_TTL_S;
    await context.close();
  });

  it('a wall left alone plays again after its gateway is killed and restarted', async () => {
    const { context, page, player, time, liveRequests } = await oneTileWall(cameras[0]);

    // The gateway goes away with its ffmpeg and comes back empty (same id, as a restart does).
    const { CameraLeases } = await import('../../apps/camera-gateway/src/leases/camera-leases.service');
    const killedAt = Date.now();
    await gateway.app.get(CameraLeases).stop(false);
    await gateway.close();
    const atKill = await time();
    gateway = await startTestGateway('gw-console');

    // Nobody touches the page: the tile plays new video again (more than its few seconds of buffer).
    await until(
      'playing again after the gateway restart',
      async () => (await player.getAttribute('data-state')) === 'playing' && (await time()) > atKill + 8,
      120_000,
    );
    // Figures for docs/RELIABILITY.md: how long the picture was gone, and whether the tile
    // needed a new live session (it should not: hls.js's retries of the same URL are enough).
    console.log(
      `wall tile after gateway restart: new video ${Date.now() - killedAt} ms after the kill, ` +
        `${liveRequests.filter((t) => t >= killedAt).length} new live session(s) requested`,
    );
    await screenshot(page, 'wall-1-after-gateway-restart');
    await context.close();
  });

  it('a motion event fired on the sim appears in the open desk without reload', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alert-count').waitFor();
    await until(
      'live',
      async () => (await page.getByTestId('connection-state').getAttribute('data-state')) === 'connected',
    );
    const cam = cameras[1];
    const sim = simOf(cam);
    await until('sim has a subscription', () => fleet.camera(sim.id)!.events.size > 0 || undefined);
    fleet.fireEvent(sim.id, 'motion', true);
    const row = page.getByTestId('alert-row').filter({ hasText: cam.name });
    await row.first().waitFor({ timeout: 60_000 });
    expect(await row.first().getAttribute('data-status')).toBe('NEW');
    await row.first().click();
    await screenshot(page, 'desk-sim-motion');
    fleet.fireEvent(sim.id, 'motion', false);
    await context.close();
  });

  it('a camera taken offline in the sim turns offline on the map', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.getByTestId('nav-map').click();
    const map = page.getByTestId('map-canvas');
    await until(
      'cameras drawn',
      async () => Number(await map.getAttribute('data-cameras')) === cameras.length,
    );
    expect(await map.getAttribute('data-cameras-offline')).toBe('0');
    fleet.setOffline(simOf(cameras[2]).id);
    await until(
      'offline on the map',
      async () => (await map.getAttribute('data-cameras-offline')) === '1',
      60_000,
    );
    // Its popup says so (the gateway's reason with it) and the tile shows 设备离线, not a spinner.
    await page.goto(`${rig.url}/map?camera=${cameras[2].id}`);
    const popup = page.getByTestId('camera-popup');
    await popup.waitFor();
    expect(await popup.getByTestId('camera-status').textContent()).toBe('离线');
    await until(
      'popup player says offline',
      async () => (await popup.getByTestId('live-player').getAttribute('data-state')) === 'offline',
      30_000,
    );
    await screenshot(page, 'map-camera-offline', { readme: true });
    await context.close();
  });
});
