import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { Camera } from '@xueliang/db';
import { openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';
import { loginAs, newPage, screenshot, startConsole, until, type ConsoleRig } from './support';

jest.setTimeout(180_000);

/**
 * The technician imports a CSV with good and bad rows through the console: the dry run shows
 * the report row by row, then "register the valid rows" stores the good ones only; the cameras
 * list then edits two of them at once.
 */
describe('console: bulk import of cameras (real api, gateway and sim, headless chromium)', () => {
  let rig: ConsoleRig;
  let fleet: CameraFleet;
  let gateway: TestGateway;
  let db: DataSource;

  beforeAll(async () => {
    fleet = await startFleet({ count: 3, ptzEvery: 0 });
    rig = await startConsole();
    gateway = await startTestGateway('gw-console-import', { GATEWAY_BACKGROUND: 'false' });
    db = await openDb(rig.api.databaseUrl);
  });
  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await rig?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  it('dry run shows every row, then registers the good ones; a bulk edit moves them', async () => {
    const sim = fleet.list();
    const csv = [
      '地址,用户名,密码,名称,区域,经度,纬度,录像模式,国标编码',
      `${sim[0].xaddr},${sim[0].username},${sim[0].password},导入东门,丹霞县/清泉镇,101.1,38.8,连续,62079900001320000101`,
      `${new URL(sim[1].xaddr).host},${sim[1].username},${sim[1].password},导入西门,清泉镇,,,,`,
      `${sim[2].xaddr},${sim[2].username},wrong,错密码,清泉镇,,,,`,
      `${sim[0].xaddr},${sim[0].username},${sim[0].password},重复,清泉镇,,,,`,
      `10.9.9.9,admin,x,坏坐标,清泉镇,abc,38,,`,
      `10.9.9.8,admin,x,无此区域,丹霞县/没有镇,,,,`,
    ].join('\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xl-import-'));
    const file = path.join(dir, 'cameras.csv');
    writeFileSync(file, csv);

    const { context, page } = await newPage(rig);
    await loginAs(rig, page, 'technician');
    await page.getByTestId('nav-cameras').click();
    await page.getByTestId('tab-import').click();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-dry-run').click();

    const report = page.getByTestId('import-report');
    await report.waitFor();
    const status = (row: number) =>
      page.locator(`[data-testid=import-row][data-row="${row}"]`).getAttribute('data-status');
    expect(await status(2)).toBe('valid');
    expect(await status(3)).toBe('valid');
    expect(await status(4)).toBe('auth_failed');
    expect(await status(5)).toBe('duplicate');
    expect(await status(6)).toBe('invalid');
    expect(await status(7)).toBe('region_unknown');
    const bad = page.locator('[data-testid=import-row][data-row="6"]');
    expect(await bad.textContent()).toContain('经度');
    expect(await bad.textContent()).toContain('字段错误');
    await screenshot(page, 'camera-import-dry-run');
    expect(await db.getRepository(Camera).count()).toBe(0);

    await page.getByTestId('import-register').click();
    await page.locator('[data-testid=import-progress][data-mode=register][data-state=done]').waitFor();
    await report.waitFor();
    expect(await status(2)).toBe('created');
    expect(await status(3)).toBe('created');
    expect(await status(4)).toBe('auth_failed');
    await screenshot(page, 'camera-import-registered');
    const stored = await db.getRepository(Camera).find({ order: { name: 'ASC' } });
    expect(stored.map((c) => c.name).sort()).toEqual(['导入东门', '导入西门']);
    expect(stored.find((c) => c.name === '导入东门')?.nationalCode).toBe('62079900001320000101');

    // The cameras list: tick both and move them to another township in one go.
    await page.getByTestId('tab-list').click();
    await until('imported cameras listed', async () => (await page.getByTestId('camera-row').count()) === 2);
    await page.getByTestId('camera-select-all').check();
    await page.getByTestId('bulk-bar').waitFor();
    await page.getByTestId('bulk-region').selectOption({ label: '位奇镇' });
    await page.getByTestId('bulk-move').click();
    await page.getByTestId('bulk-result').waitFor();
    expect(await page.getByTestId('bulk-result').textContent()).toBe('已修改 2 台；0 台未找到');
    const moved = await db.query<{ name: string }[]>(
      `SELECT c.name FROM cameras c JOIN regions r ON r.id = c.region_id WHERE r.name = '位奇镇'`,
    );
    expect(moved).toHaveLength(2);
    await context.close();
  });
});
