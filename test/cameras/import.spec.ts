/*
 * Bulk onboarding over one fleet, gateway and api started once: dry run report, register,
 * idempotent re-runs, export round-trip (CSV and .xlsx), scope, limits, discovery in bulk and
 * bulk edits. Split into files, each would start that stack again.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type {
  BulkCameraEditResult,
  CameraDetailView,
  ImportJobView,
  ImportRowReport,
} from '@xueliang/contracts';
import { Region } from '@xueliang/db';
import { DataSource } from 'typeorm';
import { bodyOf, login, Session, startApi, TestApi } from '../support/api';
import { CLOSED_PORT, openDb, startFleet, startTestGateway, TestGateway, until } from './support';

const HEADER_ZH =
  '类型,地址,用户名,密码,名称,区域,经度,纬度,录像模式,录像码流,保留天数,国标编码,卡口编号,道路,方向,车道数';

function csv(lines: string[]): Blob {
  return new Blob([`${HEADER_ZH}\n${lines.join('\n')}\n`], { type: 'text/csv' });
}

describe('camera import, export and bulk edits', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let technician: Session;
  let townTech: Session;
  let duty: Session;
  let weiqi: Region;
  let qingquan: Region;

  beforeAll(async () => {
    fleet = await startFleet({ count: 6, ptzEvery: 0 });
    api = await startApi({
      DISCOVERY_TARGETS: `127.0.0.1:${fleet.discoveryPort}`,
      GATEWAY_BACKGROUND: 'false',
    });
    gateway = await startTestGateway('gw-import', {
      DISCOVERY_TARGETS: `127.0.0.1:${fleet.discoveryPort}`,
      GATEWAY_BACKGROUND: 'false',
    });
    db = await openDb(api.databaseUrl);
    weiqi = await db.getRepository(Region).findOneByOrFail({ name: '位奇镇' });
    qingquan = await db.getRepository(Region).findOneByOrFail({ name: '清泉镇' });
    const admin = await login(api, 'admin');
    const created = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: 'tech_t1',
        displayName: '清泉镇运维',
        password: 'township-tech-1',
        roles: ['technician'],
        regionId: qingquan.id,
      },
    });
    expect(created.status).toBe(201);
    [technician, townTech, duty] = await Promise.all([
      login(api, 'technician'),
      login(api, 'tech_t1', 'township-tech-1'),
      login(api, 'duty'),
    ]);
  });

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  const sim = (i: number) => fleet.list()[i];
  const hostPort = (i: number) => new URL(sim(i).xaddr).host;

  async function upload(
    s: Session,
    file: Blob,
    fields: Record<string, string> = {},
    filename = 'cameras.csv',
  ): Promise<Response> {
    const form = new FormData();
    form.set('file', file, filename);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return s.call('/api/cameras/imports', { method: 'POST', body: form });
  }

  async function finished(s: Session, res: Response): Promise<ImportJobView> {
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as ImportJobView;
    return until(`import ${id}`, async () => {
      const job = (await (await s.call(`/api/cameras/imports/${id}`)).json()) as ImportJobView;
      return job.state !== 'running' ? job : null;
    });
  }

  const byRow = (job: ImportJobView): Map<number, ImportRowReport> =>
    new Map(job.rows.map((r) => [r.row, r]));

  const mixed = (): Blob =>
    csv([
      // 2: full URL, everything given
      `摄像机,${sim(0).xaddr},${sim(0).username},${sim(0).password},东门,丹霞县/位奇镇,101.11,38.81,连续,主码流,60,62079900001320000001,,,,`,
      // 3: host:port, region by code, defaults for the rest
      `,${hostPort(1)},${sim(1).username},${sim(1).password},,${qingquan.code},,,,,,,,,,`,
      // 4: the first camera again
      `camera,${sim(0).xaddr},${sim(0).username},${sim(0).password},again,位奇镇,,,,,,,,,,`,
      // 5: wrong password
      `camera,${sim(2).xaddr},${sim(2).username},wrong,,位奇镇,,,,,,,,,,`,
      // 6: nothing ONVIF there
      `camera,127.0.0.1:${CLOSED_PORT},admin,x,,位奇镇,,,,,,,,,,`,
      // 7: a region that does not exist
      `camera,${sim(3).xaddr},admin,x,,丹霞县/不存在镇,,,,,,,,,,`,
      // 8: a bad longitude
      `camera,${sim(3).xaddr},admin,x,,位奇镇,abc,38.8,,,,,,,,`,
      // 9: a national code that is not 20 digits
      `camera,${sim(3).xaddr},admin,x,,位奇镇,,,,,,123,,,,`,
      // 10: a checkpoint
      `卡口,,,,导入卡口,位奇镇,101.2,38.7,,,,,KK-IMP-01,G312,东向西,4`,
      // 11: an unknown recording mode
      `camera,${hostPort(3)},admin,x,,位奇镇,,,sometimes,,,,,,,`,
    ]);

  it('dry run reports every row and stores nothing', async () => {
    const job = await finished(technician, await upload(technician, mixed()));
    expect(job).toMatchObject({ mode: 'dry-run', state: 'done', total: 10, processed: 10 });
    const rows = byRow(job);
    expect(rows.get(2)).toMatchObject({ status: 'valid', action: 'create' });
    expect(rows.get(3)).toMatchObject({
      status: 'valid',
      address: `http://${hostPort(1)}/onvif/device_service`,
    });
    expect(rows.get(4)).toMatchObject({
      status: 'duplicate',
      column: 'Address',
      message: 'address also on row 2',
    });
    expect(rows.get(5)).toMatchObject({ status: 'auth_failed' });
    expect(rows.get(6)).toMatchObject({ status: 'not_onvif' });
    expect(rows.get(7)).toMatchObject({ status: 'region_unknown', column: 'Region' });
    expect(rows.get(8)).toMatchObject({ status: 'invalid', column: '经度' });
    expect(rows.get(9)).toMatchObject({ status: 'invalid', column: '国标编码' });
    expect(rows.get(9)?.message).toContain('20 digits');
    expect(rows.get(10)).toMatchObject({ kind: 'checkpoint', status: 'valid', address: 'KK-IMP-01' });
    expect(rows.get(11)).toMatchObject({ status: 'invalid', column: '录像模式' });
    expect(JSON.stringify(job)).not.toContain(sim(0).password);
    const [{ n }] = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM cameras WHERE onvif_address = ANY($1)',
      [[sim(0).xaddr, sim(1).xaddr]],
    );
    expect(Number(n)).toBe(0);
  });

  it('registers the good rows, with recording policy and national code, and audits', async () => {
    const job = await finished(technician, await upload(technician, mixed(), { mode: 'register' }));
    const rows = byRow(job);
    expect(rows.get(2)).toMatchObject({ status: 'created', name: '东门' });
    expect(rows.get(3)).toMatchObject({ status: 'created' });
    expect(rows.get(10)).toMatchObject({ status: 'created', kind: 'checkpoint' });
    expect(rows.get(5)?.status).toBe('auth_failed');
    expect(job.counts).toMatchObject({ created: 3, invalid: 3, duplicate: 1 });

    const cam = (await (await technician.call(`/api/cameras/${rows.get(2)!.id}`)).json()) as CameraDetailView;
    expect(cam).toMatchObject({
      name: '东门',
      regionName: '位奇镇',
      nationalCode: '62079900001320000001',
      location: { lon: 101.11, lat: 38.81 },
      status: 'online',
    });
    const second = (await (
      await technician.call(`/api/cameras/${rows.get(3)!.id}`)
    ).json()) as CameraDetailView;
    // No coordinates: the region's centre.
    expect(second.location).toEqual({ lon: qingquan.lon, lat: qingquan.lat });
    const [policy] = await db.query<{ mode: string; stream: string; retention_days: number }[]>(
      'SELECT mode, stream, retention_days FROM recording_policies WHERE camera_id = $1',
      [cam.id],
    );
    expect(policy).toEqual({ mode: 'continuous', stream: 'main', retention_days: 60 });
    const audits = await db.query<{ action: string; detail: Record<string, unknown> }[]>(
      `SELECT action, detail FROM audit_log WHERE action IN ('camera.import', 'camera.register') ORDER BY id`,
    );
    expect(
      audits.filter((a) => a.action === 'camera.register' && a.detail.importJobId === job.id),
    ).toHaveLength(2);
    expect(audits.filter((a) => a.action === 'camera.import')).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain(sim(0).password);
  });

  it('is idempotent by address: a re-run skips or updates, and says which', async () => {
    const again = await finished(technician, await upload(technician, mixed(), { mode: 'register' }));
    expect(byRow(again).get(2)).toMatchObject({ status: 'skipped', action: 'skip' });
    expect(byRow(again).get(10)).toMatchObject({ status: 'skipped' });
    expect(again.counts.created ?? 0).toBe(0);

    const renamed = csv([`camera,${sim(0).xaddr},,,东门二号,,,,事件,,,,,,,`]);
    const dry = await finished(technician, await upload(technician, renamed, { onExisting: 'update' }));
    expect(dry.rows[0]).toMatchObject({ status: 'exists', action: 'update' });
    const upd = await finished(
      technician,
      await upload(technician, renamed, { mode: 'register', onExisting: 'update' }),
    );
    expect(upd.rows[0]).toMatchObject({ status: 'updated', action: 'update' });
    const [row] = await db.query<
      { name: string; mode: string; retention_days: number; region_path: string }[]
    >(
      `SELECT c.name, p.mode, p.retention_days, c.region_path FROM cameras c
         JOIN recording_policies p ON p.camera_id = c.id WHERE c.onvif_address = $1`,
      [sim(0).xaddr],
    );
    // Only the cells given changed: the region and the retention stay.
    expect(row).toEqual({ name: '东门二号', mode: 'events', retention_days: 60, region_path: weiqi.path });
  });

  it('exports the registry as CSV without passwords, and the export imports back as "exists"', async () => {
    const res = await technician.call('/api/cameras/export?format=csv&lang=en');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('cameras.csv');
    const text = await res.text();
    expect(text).not.toContain(sim(0).password);
    const records = parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { columns: true });
    const mine = records.find((r) => r.Address === sim(0).xaddr)!;
    expect(mine).toMatchObject({
      Type: 'camera',
      Password: '',
      Name: '东门二号',
      Region: '丹霞县/位奇镇',
      'Recording mode': 'events',
      'Retention days': '60',
      'National code': '62079900001320000001',
    });
    expect(records.find((r) => r['Checkpoint code'] === 'KK-IMP-01')).toMatchObject({
      Type: 'checkpoint',
      Lanes: '4',
    });
    const dry = await finished(technician, await upload(technician, new Blob([text]), {}, 'export.csv'));
    expect(dry.state).toBe('done');
    const statuses = new Set(dry.rows.map((r) => r.status));
    expect([...statuses]).toEqual(['exists']);
    expect(dry.rows.length).toBe(records.length);
  });

  it('reads and writes .xlsx: template in Chinese, export round-trip', async () => {
    const tpl = await technician.call('/api/cameras/imports/template?format=xlsx&lang=zh');
    expect(tpl.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await tpl.arrayBuffer());
    expect(wb.worksheets[0].getRow(1).getCell(2).text).toBe('地址');
    const enCsv = await (await technician.call('/api/cameras/imports/template?format=csv&lang=en')).text();
    expect(enCsv.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(
      /^Type,Address,Username,Password,Name,Region/,
    );

    const exported = await technician.call('/api/cameras/export?format=xlsx&lang=zh');
    expect(exported.headers.get('content-type')).toContain('spreadsheetml');
    const buf = await exported.arrayBuffer();
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buf);
    const sheet = book.worksheets[0];
    let found = false;
    sheet.eachRow((row) => {
      if (row.getCell(2).text === sim(0).xaddr) {
        found = true;
        expect(row.getCell(1).text).toBe('摄像机');
        expect(row.getCell(4).text).toBe('');
        expect(row.getCell(9).text).toBe('事件');
      }
    });
    expect(found).toBe(true);
    const dry = await finished(technician, await upload(technician, new Blob([buf]), {}, 'export.xlsx'));
    expect(new Set(dry.rows.map((r) => r.status))).toEqual(new Set(['exists']));

    // A new camera from an .xlsx registers like a CSV row.
    const fresh = new ExcelJS.Workbook();
    const ws = fresh.addWorksheet('设备');
    ws.addRow(['地址', '用户名', '密码', '区域', '国标编码']);
    ws.addRow([sim(4).xaddr, sim(4).username, sim(4).password, '位奇镇', '62079900001320000004']);
    const reg = await finished(
      technician,
      await upload(technician, new Blob([await fresh.xlsx.writeBuffer()]), { mode: 'register' }, 'new.xlsx'),
    );
    expect(reg.rows[0]).toMatchObject({ status: 'created', row: 2 });
  });

  it('keeps a township technician to their township; jobs are private; roles are checked', async () => {
    const file = csv([
      `camera,${sim(3).xaddr},${sim(3).username},${sim(3).password},,清泉镇/城南村,,,,,,,,,,`,
      `camera,${sim(5).xaddr},${sim(5).username},${sim(5).password},,位奇镇,,,,,,,,,,`,
      // Already registered by the county technician in 位奇镇: not theirs to update or see.
      `camera,${sim(0).xaddr},,,,清泉镇,,,,,,,,,,`,
    ]);
    const res = await upload(townTech, file, { mode: 'register', onExisting: 'update' });
    const job = await finished(townTech, res);
    const rows = byRow(job);
    expect(rows.get(2)).toMatchObject({ status: 'created' });
    expect(rows.get(3)).toMatchObject({ status: 'out_of_scope', column: 'Region' });
    expect(rows.get(4)).toMatchObject({ status: 'duplicate' });
    const [{ n }] = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM cameras WHERE onvif_address = $1',
      [sim(5).xaddr],
    );
    expect(Number(n)).toBe(0);
    // Another user's job is not found, as is a guessed id.
    expect((await technician.call(`/api/cameras/imports/${job.id}`)).status).toBe(404);
    expect((await townTech.call('/api/cameras/imports/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    // A default region outside their own does not exist for them.
    const outside = await upload(townTech, file, { regionId: weiqi.id });
    expect(outside.status).toBe(404);
    // Their export holds their township only.
    const text = await (await townTech.call('/api/cameras/export?format=csv&lang=en')).text();
    expect(text).toContain(sim(3).xaddr);
    expect(text).not.toContain(sim(0).xaddr);
    // Duty officers neither import, export nor edit in bulk.
    expect((await upload(duty, file)).status).toBe(403);
    expect((await duty.call('/api/cameras/export')).status).toBe(403);
    expect(
      (await duty.call('/api/cameras/bulk', { method: 'POST', json: { action: 'unmute', ids: [job.id] } }))
        .status,
    ).toBe(403);
  });

  it('refuses bad files with 400/413 naming the problem', async () => {
    const noFile = await technician.call('/api/cameras/imports', { method: 'POST', body: new FormData() });
    expect(noFile.status).toBe(400);
    expect((await bodyOf(noFile)).message).toContain('file:');
    const noHeader = await upload(technician, new Blob(['1.2.3.4,admin\n']));
    expect(noHeader.status).toBe(400);
    expect((await bodyOf(noHeader)).message).toMatch(/header/);
    const rows = Array.from({ length: 10_001 }, (_, i) => `camera,10.0.${i >> 8}.${i & 255},,,,,,,,,,,,,,`);
    const tooMany = await upload(technician, csv(rows));
    expect(tooMany.status).toBe(400);
    expect((await bodyOf(tooMany)).message).toContain('10,001 rows');
    const big = await upload(technician, new Blob([Buffer.alloc(11 * 1024 * 1024, 0x41)]));
    expect(big.status).toBe(413);
    expect((await bodyOf(big)).message).toContain('file: larger than 10 MB');
    const badMode = await upload(technician, csv([`camera,${hostPort(1)},,,,,,,,,,,,,,`]), { mode: 'now' });
    expect(badMode.status).toBe(400);
    expect((await bodyOf(badMode)).message).toContain('mode');
    const broken = await upload(
      technician,
      new Blob([Buffer.from('PK\u0003\u0004not a zip at all')]),
      {},
      'x.xlsx',
    );
    expect(broken.status).toBe(400);
    expect((await bodyOf(broken)).message).toContain('.xlsx');
  });

  it('registers discovery results in bulk with one region and one set of credentials', async () => {
    const scan = await technician.call('/api/cameras/discovery', { method: 'POST' });
    expect(scan.status).toBe(202);
    await until('discovery scan', async () => {
      const view = (await (await technician.call('/api/cameras/discovery')).json()) as {
        scanning: boolean;
        items: unknown[];
      };
      return !view.scanning && view.items.length >= 6;
    });
    const res = await technician.call('/api/cameras/discovery/register', {
      method: 'POST',
      json: {
        xaddrs: [sim(5).xaddr, sim(0).xaddr],
        regionId: weiqi.id,
        username: sim(5).username,
        password: sim(5).password,
        recording: { mode: 'continuous', retentionDays: 90 },
      },
    });
    const job = await finished(technician, res);
    expect(job.source).toBe('discovery');
    const [fifth, first] = job.rows;
    expect(fifth).toMatchObject({ status: 'created', address: sim(5).xaddr });
    expect(first).toMatchObject({ status: 'skipped' });
    const cam = (await (await technician.call(`/api/cameras/${fifth.id}`)).json()) as CameraDetailView;
    // The name WS-Discovery reported, the region's centre.
    expect(cam).toMatchObject({
      name: sim(5).name,
      regionName: '位奇镇',
      location: { lon: weiqi.lon, lat: weiqi.lat },
    });
    const bad = await technician.call('/api/cameras/discovery/register', {
      method: 'POST',
      json: { xaddrs: ['ftp://x'], regionId: weiqi.id },
    });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toContain('xaddrs');
  });

  it('edits many cameras at once: move, recording policy, mute and unmute, in scope only', async () => {
    const ids = (
      await db.query<{ id: string }[]>('SELECT id FROM cameras WHERE region_path = $1 ORDER BY name', [
        weiqi.path,
      ])
    ).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const bulk = (s: Session, json: unknown) => s.call('/api/cameras/bulk', { method: 'POST', json });

    // The township technician cannot touch county cameras outside their township.
    const foreign = await bulk(townTech, { action: 'recording-policy', ids, policy: { mode: 'off' } });
    expect(((await foreign.json()) as BulkCameraEditResult).changed).toBe(0);

    const pol = (await (
      await bulk(technician, {
        action: 'recording-policy',
        ids,
        policy: { mode: 'continuous', retentionDays: 15 },
      })
    ).json()) as BulkCameraEditResult;
    expect(pol).toMatchObject({ action: 'recording-policy', changed: ids.length, notFound: [] });
    const policies = await db.query<{ mode: string; retention_days: number }[]>(
      'SELECT mode, retention_days FROM recording_policies WHERE camera_id = ANY($1)',
      [ids],
    );
    expect(policies).toHaveLength(ids.length);
    expect(policies.every((p) => p.mode === 'continuous' && p.retention_days === 15)).toBe(true);

    const muted = (await (
      await bulk(technician, { action: 'mute', ids, minutes: 30, reason: '批量维护' })
    ).json()) as BulkCameraEditResult;
    expect(muted.changed).toBe(ids.length);
    const unmuted = (await (
      await bulk(technician, { action: 'unmute', ids })
    ).json()) as BulkCameraEditResult;
    expect(unmuted.changed).toBe(ids.length);

    const ghost = '00000000-0000-4000-8000-000000000001';
    const moved = (await (
      await bulk(technician, { action: 'move', ids: [...ids, ghost], regionId: qingquan.id })
    ).json()) as BulkCameraEditResult;
    expect(moved).toEqual({ action: 'move', changed: ids.length, notFound: [ghost] });
    const [{ n }] = await db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM cameras WHERE id = ANY($1) AND region_id = $2',
      [ids, qingquan.id],
    );
    expect(Number(n)).toBe(ids.length);
    const bad = await bulk(technician, { action: 'move', ids: ['nope'], regionId: qingquan.id });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toContain('ids');
    const audits = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'camera.bulk-edit'`,
    );
    expect(Number(audits[0].n)).toBe(5);
  });
});
