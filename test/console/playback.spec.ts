import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { Alert, Camera } from '@xueliang/db';
import { insertSimCameras, openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';
import { loginAs, newPage, screenshot, startAlertConsole, until, type AlertConsoleRig } from './support';

jest.setTimeout(600_000);

/**
 * Recorded video in the console, end to end: simulated cameras → gateway recorder (ffmpeg copy
 * into MPEG-TS segments, indexed with their wall clock) → api playback sessions (HLS VOD with
 * PROGRAM-DATE-TIME) → hls.js in headless chromium. Nothing is faked between the sim and the
 * browser; the wall clocks compared are the ones the console writes on each picture.
 */
const ROOT = mkdtempSync(join(os.tmpdir(), 'xl-console-rec-'));
const RECORDING_ENV: NodeJS.ProcessEnv = {
  RECORDINGS_DIR: join(ROOT, 'recordings'),
  EXPORTS_DIR: join(ROOT, 'exports'),
  RECORDING_DEFAULT_MODE: 'continuous',
  RECORDING_DEFAULT_STREAM: 'sub',
  RECORDING_SEGMENT_SECONDS: '2',
  RECORDING_POLICY_POLL_MS: '1000',
};

/** The recorded footage of a camera: first start and last end of its indexed segments (ms). */
async function footage(db: DataSource, cameraId: string): Promise<{ from: number; to: number; n: number }> {
  const [row] = await db.query<{ from: Date | null; to: Date | null; n: string }[]>(
    'SELECT min(start_at) AS "from", max(end_at) AS "to", count(*) AS n FROM recording_segments WHERE camera_id = $1',
    [cameraId],
  );
  return {
    from: row.from ? new Date(row.from).getTime() : 0,
    to: row.to ? new Date(row.to).getTime() : 0,
    n: Number(row.n),
  };
}

/** The wall clocks (ms) the players show, in tile order; NaN for a player showing none yet. */
function wallClocks(page: Page, scope = '[data-testid=playback-player]'): Promise<number[]> {
  return page.$$eval(scope, (els) => els.map((e) => Number(e.getAttribute('data-wall-clock') || NaN)));
}

function videoTimes(page: Page, scope = '[data-testid=playback-player] video'): Promise<number[]> {
  return page.$$eval(scope, (videos) =>
    videos.map((v) => (v as unknown as { currentTime: number }).currentTime),
  );
}

describe('console: playback, alert footage, export and verify (headless chromium)', () => {
  let rig: AlertConsoleRig;
  let fleet: CameraFleet;
  let gateway: TestGateway;
  let db: DataSource;
  let cameras: Camera[];
  /** A moment every camera has recorded, some seconds after recording began. */
  let t0: number;

  beforeAll(async () => {
    Object.assign(process.env, RECORDING_ENV);
    fleet = await startFleet({ count: 4, ptzEvery: 0 });
    rig = await startAlertConsole();
    gateway = await startTestGateway('gw-console-rec', RECORDING_ENV);
    db = await openDb(rig.api.databaseUrl);
    cameras = await insertSimCameras(db, fleet, '清泉镇');
    await until(
      'every sim camera online',
      async () => (await db.getRepository(Camera).countBy({ status: 'online' })) === cameras.length,
      60_000,
    );
    // Twenty seconds of footage of every camera.
    const spans = await until(
      '20 s recorded of every camera',
      async () => {
        const all = await Promise.all(cameras.map((c) => footage(db, c.id)));
        return all.every((f) => f.n > 0 && f.to - f.from >= 20_000) ? all : undefined;
      },
      120_000,
    );
    t0 = Math.max(...spans.map((s) => s.from)) + 4000;
  });
  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await rig?.close();
    await db?.destroy();
    await fleet?.stop();
    rmSync(ROOT, { recursive: true, force: true });
  });

  const simOf = (c: Camera) => fleet.list().find((s) => s.xaddr === c.onvifAddress)!;
  const at = (t: number) => encodeURIComponent(new Date(t).toISOString());

  it('plays a recorded range: the video advances and shows the wall clock it was recorded at', async () => {
    const { context, page, cspViolations } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.getByTestId('nav-playback').click();
    await page.getByTestId('playback-empty').waitFor();
    await page.goto(`${rig.url}/playback?cams=${cameras[0].id}&t=${at(t0)}`);
    const player = page.getByTestId('playback-player');
    await until('playing', async () => (await player.getAttribute('data-state')) === 'playing', 60_000);
    const [start] = await videoTimes(page);
    await until('currentTime advances', async () => (await videoTimes(page))[0] > start + 1, 30_000);
    // The picture's wall clock starts at the requested second (the sim stamps it into the stream).
    const [clock] = await wallClocks(page);
    expect(clock).toBeGreaterThanOrEqual(t0 - 1000);
    expect(clock).toBeLessThan(t0 + 30_000);
    await expect(page.getByTestId('playback-clock').textContent()).resolves.toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(await page.getByTestId('timeline-coverage').count()).toBeGreaterThan(0);

    // Speed and stepping from the keyboard: ] doubles, space pauses, → steps a second.
    await page.keyboard.press(']');
    await until(
      '2× playback',
      async () =>
        (await page.$eval(
          '[data-testid=playback-player] video',
          (v) => (v as unknown as { playbackRate: number }).playbackRate,
        )) === 2,
    );
    await page.keyboard.press(' ');
    await until('paused', async () => (await player.getAttribute('data-state')) === 'paused');
    // The clock on the picture is refreshed four times a second: wait until it stands still.
    let last = NaN;
    const paused = await until('the paused clock', async () => {
      const [c] = await wallClocks(page);
      const still = c === last ? c : undefined;
      last = c;
      await page.waitForTimeout(300);
      return still;
    });
    await page.keyboard.press('ArrowRight');
    await until(
      'stepped a second',
      async () => Math.abs((await wallClocks(page))[0] - (paused + 1000)) < 300,
    );
    await screenshot(page, 'playback-one', { readme: true });
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('jumps to an alert marker on the timeline', async () => {
    const cam = cameras[1];
    const sim = simOf(cam);
    await until('sim has a subscription', () => fleet.camera(sim.id)!.events.size > 0 || undefined, 60_000);
    fleet.fireEvent(sim.id, 'motion', true);
    const alert = await until(
      'an alert of the camera',
      () => db.getRepository(Alert).findOneBy({ cameraId: cam.id }),
      60_000,
    );
    fleet.fireEvent(sim.id, 'motion', false);
    const first = new Date(alert.firstSeenAt).getTime();
    await until('footage past the alert', async () => (await footage(db, cam.id)).to > first + 6000, 60_000);

    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    // Opened well before the alert; the marker is where the alert happened.
    await page.goto(`${rig.url}/playback?cams=${cam.id}&t=${at(t0)}`);
    const marker = page.locator(`[data-testid=timeline-marker][data-alert-id="${alert.id}"]`);
    await marker.waitFor({ timeout: 30_000 });
    await marker.click();
    await until(
      'the picture at the alert',
      async () => {
        const [clock] = await wallClocks(page);
        return (
          Math.abs(clock - first) < 3000 &&
          (await page.getByTestId('playback-player').getAttribute('data-state')) === 'playing'
        );
      },
      60_000,
    );
    await screenshot(page, 'playback-alert-marker');
    await context.close();
  });

  it('plays four cameras in sync: their wall clocks stay within a second', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.goto(`${rig.url}/playback?cams=${cameras.map((c) => c.id).join(',')}&t=${at(t0)}`);
    await until(
      'four players playing',
      async () => (await page.locator('[data-testid=playback-player][data-state=playing]').count()) === 4,
      90_000,
    );
    const spread = async () => {
      const clocks = await wallClocks(page);
      return clocks.every(Number.isFinite) ? Math.max(...clocks) - Math.min(...clocks) : Infinity;
    };
    await until('clocks within 1 s', async () => (await spread()) <= 1000, 30_000);
    const before = await wallClocks(page);
    await until(
      'all four advance',
      async () => (await wallClocks(page)).every((c, i) => c > before[i] + 1000),
      30_000,
    );
    expect(await spread()).toBeLessThanOrEqual(1000);
    // A seek on the timeline moves all four to the same moment.
    await page.keyboard.press('ArrowRight');
    await until('still within 1 s after a step', async () => (await spread()) <= 1000, 30_000);
    await screenshot(page, 'playback-sync-4', { readme: true });
    await context.close();
  });

  it('an alert detail plays the footage from before the alert at once, next to live', async () => {
    const alert = await db.getRepository(Alert).findOneByOrFail({ cameraId: cameras[1].id });
    const first = new Date(alert.firstSeenAt).getTime();
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.goto(`${rig.url}/alerts/${alert.id}`);
    const pre = page.locator('[data-testid=pre-event-player] [data-testid=playback-player]');
    await until(
      'pre-event footage playing',
      async () => (await pre.getAttribute('data-state')) === 'playing',
      60_000,
    );
    const clock = Number(await pre.getAttribute('data-wall-clock'));
    // Default policy: from 10 s before the first event.
    expect(clock).toBeGreaterThanOrEqual(first - 11_000);
    expect(clock).toBeLessThan(first + 30_000);
    await page.locator('[data-testid=alert-detail] [data-testid=live-player]').waitFor();
    await screenshot(page, 'alert-pre-event', { readme: true });
    await context.close();
  });

  it('exports a selection to MP4 with a signed manifest; the verify page says intact, then altered', async () => {
    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'duty');
    await page.goto(`${rig.url}/playback?cams=${cameras[0].id}&t=${at(t0)}`);
    const player = page.getByTestId('playback-player');
    await until('playing', async () => (await player.getAttribute('data-state')) === 'playing', 60_000);
    // In point now, out point three seconds of footage later.
    await page.keyboard.press('i');
    const [inAt] = await wallClocks(page);
    await until('3 s played', async () => (await wallClocks(page))[0] > inAt + 3000, 30_000);
    await page.keyboard.press('o');
    await page.getByTestId('playback-export').click();
    await page.getByTestId('evidence-reason').fill('案件调查 2026-118');
    await page.getByTestId('export-submit').click();
    await page.waitForURL(/\/evidence\?tab=exports/);
    const row = page.locator('[data-testid=export-row].row-highlight');
    await until('export done', async () => (await row.getAttribute('data-status')) === 'done', 180_000);
    await screenshot(page, 'exports-list', { readme: true });

    // Download the clip and the manifest through the console's links.
    const saved: string[] = [];
    for (const link of [row.getByTestId('export-file').first(), row.getByTestId('export-manifest')]) {
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = join(ROOT, download.suggestedFilename());
      await download.saveAs(file);
      saved.push(file);
    }
    const [clip, manifest] = saved;
    expect(readFileSync(clip).length).toBeGreaterThan(1000);
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toHaveProperty('signature');

    // Verify: intact as exported.
    await page.getByTestId('tab-verify').click();
    await page.getByTestId('verify-input').setInputFiles([manifest, clip]);
    await page.getByTestId('verify-submit').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-signature')).toBe('true');
    expect(await page.getByTestId('verify-file').first().getAttribute('data-intact')).toBe('true');

    // One byte flipped in the middle of the clip: not intact, and the altered range is named.
    const bytes = readFileSync(clip);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(clip, bytes);
    await page.getByTestId('verify-input').setInputFiles([manifest, clip]);
    await page.getByTestId('verify-submit').click();
    await until(
      'altered reported',
      async () => (await page.getByTestId('verify-file').first().getAttribute('data-intact')) === 'false',
      60_000,
    );
    expect(await page.getByTestId('verify-ranges').first().textContent()).toMatch(/\d+–\d+/);
    await screenshot(page, 'verify-altered', { readme: true });
    await context.close();
  });
});
