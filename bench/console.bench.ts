/**
 * Console benchmark (docs/PERFORMANCE.md, "Console"). Self-contained: the test run's template
 * database (global-setup), the real api with an in-process alert-service serving dist/console,
 * 5,000 placeholder cameras, and Debian's headless chromium; prints one JSON object.
 *
 *   1. time to interactive after login: submit → the landing desk has fetched its list
 *      (and: login page load → form ready; map nav → 5,000 cameras drawn)
 *   2. panning a 5,000-camera map: requestAnimationFrame rate and the longest frame while the
 *      mouse drags the map, at county zoom (clustered) and two levels in
 *   3. new alert → row on screen: raw event queued (node clock) → row first in the DOM (page clock,
 *      same machine), N events on N cameras so none correlate
 *   4. the desk with a 10,000-alert backlog (cloned in SQL): time until all pages are in, and the
 *      frame rate while the virtualised list scrolls top to bottom
 *
 *   npm run build:console && npx swc bench/console.bench.ts test apps/api apps/alert-service libs \
 *     -d dist --config-file .swcrc --quiet && node dist/bench/console.bench.js
 */
import 'reflect-metadata';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import globalSetup from '../test/support/global-setup';
import globalTeardown from '../test/support/global-teardown';
import { cameraEvent } from '../test/alerts/support';
import { loginAs, newPage, seedCameras, startAlertConsole, until } from '../test/console/support';
import { DEMO_PASSWORD } from '@xueliang/db';

const CAMERAS = Number(process.env.BENCH_CAMERAS ?? 5000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 5);
const ALERTS = Number(process.env.BENCH_ALERTS ?? 20);

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
}

/** Drags the map in a loop for `ms` and reports frames per second and the longest frame gap. */
async function panFps(page: Page, ms: number): Promise<{ fps: number; maxFrameMs: number; frames: number }> {
  const box = (await page.getByTestId('map-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(`(() => {
    const w = window;
    w.__frames = [];
    w.__counting = true;
    const tick = (t) => { if (!w.__counting) return; w.__frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const end = Date.now() + ms;
  let angle = 0;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  while (Date.now() < end) {
    angle += 0.15;
    await page.mouse.move(cx + Math.cos(angle) * box.width * 0.25, cy + Math.sin(angle) * box.height * 0.25);
  }
  await page.mouse.up();
  const frames = await page.evaluate<number[]>(
    `(() => { window.__counting = false; return window.__frames; })()`,
  );
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const span = frames[frames.length - 1] - frames[0];
  return {
    frames: frames.length,
    fps: Math.round((frames.length - 1) / (span / 1000)),
    maxFrameMs: Math.round(Math.max(...gaps)),
  };
}

async function main(): Promise<void> {
  await globalSetup();
  const rig = await startAlertConsole();
  const pg = new Client({ connectionString: rig.api.databaseUrl });
  await pg.connect();
  try {
    await seedCameras(rig.api.databaseUrl, CAMERAS);
    await pg.query(
      `UPDATE cameras SET status = CASE WHEN (hashtext(id::text) % 50) = 0 THEN 'offline' ELSE 'online' END`,
    );
    const cameraIds = (
      await pg.query<{ id: string }>('SELECT id FROM cameras ORDER BY name LIMIT $1', [ALERTS])
    ).rows.map((r) => r.id);

    // 1. time to interactive
    const loginLoad: number[] = [];
    const loginToDesk: number[] = [];
    const mapDrawn: number[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const { context, page } = await newPage(rig);
      let t0 = Date.now();
      await page.goto(`${rig.url}/login`);
      await page.getByTestId('login-submit').waitFor();
      loginLoad.push(Date.now() - t0);
      await page.getByTestId('login-username').fill('duty');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      t0 = Date.now();
      await page.getByTestId('login-submit').click();
      await page
        .locator('[data-testid=alert-list], [data-testid=state-empty]')
        .first()
        .waitFor({ timeout: 30_000 });
      loginToDesk.push(Date.now() - t0);
      t0 = Date.now();
      await page.getByTestId('nav-map').click();
      const map = page.getByTestId('map-canvas');
      await until(
        'cameras drawn',
        async () => Number(await map.getAttribute('data-cameras')) === CAMERAS,
        60_000,
      );
      mapDrawn.push(Date.now() - t0);
      await context.close();
    }

    // 2. panning the 5,000-camera map
    const { context: mapCtx, page: mapPage } = await newPage(rig);
    await loginAs(rig, mapPage, 'duty');
    await mapPage.getByTestId('nav-map').click();
    await until(
      'cameras drawn',
      async () => Number(await mapPage.getByTestId('map-canvas').getAttribute('data-cameras')) === CAMERAS,
      60_000,
    );
    await mapPage.waitForTimeout(1000);
    const countyZoom = await panFps(mapPage, 4000);
    await mapPage.mouse.move(800, 450);
    await mapPage.mouse.wheel(0, -600);
    await mapPage.waitForTimeout(1500);
    const zoomedIn = await panFps(mapPage, 4000);
    await mapCtx.close();

    // 3. new alert → row on screen
    const { context: deskCtx, page: desk } = await newPage(rig);
    await loginAs(rig, desk, 'duty');
    await desk.getByTestId('nav-alerts').click();
    await until(
      'live',
      async () => (await desk.getByTestId('connection-state').getAttribute('data-state')) === 'connected',
    );
    await desk.evaluate(`(() => {
      window.__seen = {};
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[data-testid=alert-row]')) {
          const m = /bench-(\\d+)#/.exec(row.textContent || '');
          if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    const latency: number[] = [];
    for (let i = 0; i < cameraIds.length; i++) {
      const t0 = Date.now();
      await rig.stack.enqueue(
        cameraEvent(cameraIds[i], `bench${i}`, { title: `bench-${i}#`, priority: 'high' }),
      );
      const seenAt = await until(
        `row ${i}`,
        async () => await desk.evaluate<number | undefined>(`window.__seen[${JSON.stringify(String(i))}]`),
        30_000,
      ).catch(async (err: unknown) => {
        await desk.screenshot({ path: 'artifacts/console/bench-desk-timeout.png' });
        const { rows } = await pg.query('SELECT title, status FROM alerts ORDER BY created_at DESC LIMIT 3');
        console.error('bench: no row; latest alerts', rows);
        throw err;
      });
      latency.push(seenAt - t0);
      await desk.waitForTimeout(150);
    }
    await deskCtx.close();

    // 4. a 10,000-alert backlog
    const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 10_000);
    await pg.query(
      `INSERT INTO alerts
       SELECT (jsonb_populate_record(NULL::alerts, to_jsonb(a) || jsonb_build_object(
         'id', gen_random_uuid(), 'number', a.number || '-' || g, 'title', a.title || ' ' || g,
         'correlation_key', a.correlation_key || ':' || g,
         'created_at', a.created_at - make_interval(secs => g)))).*
       FROM alerts a, generate_series(1, $1::int) g
       WHERE a.id = (SELECT id FROM alerts ORDER BY created_at LIMIT 1)`,
      [BACKLOG - ALERTS],
    );
    const { context: bigCtx, page: big } = await newPage(rig);
    await loginAs(rig, big, 'duty');
    let t0 = Date.now();
    await big.getByTestId('nav-alerts').click();
    const list = big.getByTestId('alert-list');
    await until('backlog in', async () => Number(await list.getAttribute('data-count')) >= BACKLOG, 120_000);
    const backlogLoadedMs = Date.now() - t0;
    t0 = Date.now();
    const scroll = await big.evaluate<{
      frames: number;
      fps: number;
      maxFrameMs: number;
      rowsInDom: number;
    }>(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid=alert-list]');
      const frames = [];
      const start = performance.now();
      const step = (t) => {
        frames.push(t);
        const k = (t - start) / 4000;
        el.scrollTop = k * (el.scrollHeight - el.clientHeight);
        if (k < 1) requestAnimationFrame(step);
        else {
          const gaps = frames.slice(1).map((f, i) => f - frames[i]);
          resolve({ frames: frames.length, fps: Math.round((frames.length - 1) / ((t - frames[0]) / 1000)),
                    maxFrameMs: Math.round(Math.max(...gaps)), rowsInDom: document.querySelectorAll('[data-testid=alert-row]').length });
        }
      };
      requestAnimationFrame(step);
    })`);
    await bigCtx.close();

    console.log(
      JSON.stringify(
        {
          cameras: CAMERAS,
          loginPageReadyMs: { p50: pct(loginLoad, 50), max: Math.max(...loginLoad) },
          loginToDeskMs: { p50: pct(loginToDesk, 50), max: Math.max(...loginToDesk) },
          mapNavToCamerasDrawnMs: { p50: pct(mapDrawn, 50), max: Math.max(...mapDrawn) },
          panCountyZoom: countyZoom,
          panZoomedIn: zoomedIn,
          newAlertToRowMs: {
            n: latency.length,
            p50: pct(latency, 50),
            p95: pct(latency, 95),
            max: Math.max(...latency),
          },
          backlog: { alerts: BACKLOG, allPagesInMs: backlogLoadedMs, scrollTopToBottom4s: scroll },
        },
        null,
        2,
      ),
    );
  } finally {
    await pg.end();
    await rig.close();
    await globalTeardown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
