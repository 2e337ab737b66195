/*
 * Over 400 lines on purpose: the camera register's routes (register, probe errors, discovery,
 * PTZ, snapshot) over one fleet, gateway and api started once in beforeAll; split into files,
 * each would start that stack again.
 */
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { CameraDetailView, CameraView, DiscoveryScanView, PtzPresetView } from '@xueliang/contracts';
import { AuditEntry, CredentialCipher, Region } from '@xueliang/db';
import { DataSource } from 'typeorm';
import { bodyOf, login, Session, startApi, TestApi } from '../support/api';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import {
  CLOSED_PORT,
  openDb,
  startFleet,
  startPlainHttp,
  startTestGateway,
  TestGateway,
  until,
} from './support';

describe('camera register, probe errors, discovery, PTZ, snapshot', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let technician: Session;
  let duty: Session;
  let dutyT1: Session;
  let weiqi: Region;
  let qingquan: Region;

  beforeAll(async () => {
    fleet = await startFleet({ count: 3, ptzEvery: 2 });
    api = await startApi({
      DISCOVERY_TARGETS: `127.0.0.1:${fleet.discoveryPort}`,
      GATEWAY_BACKGROUND: 'false',
    });
    gateway = await startTestGateway('gw-reg', {
      DISCOVERY_TARGETS: `127.0.0.1:${fleet.discoveryPort}`,
      GATEWAY_BACKGROUND: 'false',
    });
    db = await openDb(api.databaseUrl);
    weiqi = await db.getRepository(Region).findOneByOrFail({ name: '位奇镇' });
    qingquan = await db.getRepository(Region).findOneByOrFail({ name: '清泉镇' });
    [technician, duty, dutyT1] = await Promise.all([
      login(api, 'technician'),
      login(api, 'duty'),
      login(api, 'duty_t1'),
    ]);
  });

  afterAll(async () => {
    await gateway?.close();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  const sim = (i: number) => fleet.list()[i];
  const register = (s: Session, body: Record<string, unknown>) =>
    s.call('/api/cameras', { method: 'POST', json: body });

  let fixedId: string;
  let ptzId: string;

  it('probes and registers a camera; credentials never come back', async () => {
    const cam = sim(0);
    const res = await register(technician, {
      onvifAddress: cam.xaddr,
      username: cam.username,
      password: cam.password,
      regionId: weiqi.id,
      location: { lon: 101.1, lat: 38.8 },
    });
    expect(res.status).toBe(201);
    const view = (await res.json()) as CameraDetailView & Record<string, unknown>;
    fixedId = view.id;
    expect(view).toMatchObject({
      manufacturer: 'Xueliang-Sim',
      model: 'XL-IPC2231-B',
      videoCodec: 'h264',
      ptz: false,
      events: true,
      hasSubStream: true,
      regionName: '位奇镇',
      onvifAddress: cam.xaddr,
    });
    expect(JSON.stringify(view)).not.toContain(cam.password);

    const list = (await (await technician.call('/api/cameras')).json()) as CameraView[];
    expect(list.map((c) => c.id)).toContain(fixedId);
    expect(JSON.stringify(list)).not.toContain(cam.password);
    // The detail names the username (the edit form shows it); no password field, plain or
    // encrypted, is in the register, detail or list answer.
    const detail = (await (await technician.call(`/api/cameras/${fixedId}`)).json()) as CameraDetailView;
    expect(detail.username).toBe(cam.username);
    const [{ password_encrypted: encrypted }] = await db.query<{ password_encrypted: string }[]>(
      `SELECT password_encrypted FROM cameras WHERE id = $1`,
      [fixedId],
    );
    for (const body of [view, detail, list]) {
      expect(JSON.stringify(body)).not.toMatch(/password/i);
      expect(JSON.stringify(body)).not.toContain(encrypted);
    }
    // A township duty officer elsewhere neither lists nor opens it.
    const t1List = (await (await dutyT1.call('/api/cameras')).json()) as CameraView[];
    expect(t1List.map((c) => c.id)).not.toContain(fixedId);
    expect((await dutyT1.call(`/api/cameras/${fixedId}`)).status).toBe(404);
    // Duty officers may look but not register.
    expect(
      (await register(duty, { onvifAddress: sim(1).xaddr, regionId: weiqi.id, location: { lon: 1, lat: 1 } }))
        .status,
    ).toBe(403);
    const again = await register(technician, {
      onvifAddress: cam.xaddr,
      username: cam.username,
      password: cam.password,
      regionId: weiqi.id,
      location: { lon: 1, lat: 1 },
    });
    expect(again.status).toBe(409);
  });

  it('says the camera rejected the credentials', async () => {
    const cam = sim(1);
    const res = await register(technician, {
      onvifAddress: cam.xaddr,
      username: cam.username,
      password: 'wrong',
      regionId: weiqi.id,
      location: { lon: 1, lat: 1 },
    });
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.message).toBe('camera rejected the credentials (NotAuthorized)');
    expect(body.code).toBe('camera_auth_failed');
  });

  // Registration must not be a port scanner: a closed port and a web server that is not ONVIF
  // get one and the same answer (code and message).
  it('says "no ONVIF device" alike for a closed port and a plain web server', async () => {
    const closed = await register(technician, {
      onvifAddress: `http://127.0.0.1:${CLOSED_PORT}/onvif/device_service`,
      username: 'admin',
      password: 'x',
      regionId: weiqi.id,
      location: { lon: 1, lat: 1 },
    });
    const web = await startPlainHttp();
    let plain: Response;
    try {
      plain = await register(technician, {
        onvifAddress: web.url,
        username: 'admin',
        password: 'x',
        regionId: weiqi.id,
        location: { lon: 1, lat: 1 },
      });
    } finally {
      await web.close();
    }
    for (const res of [closed, plain]) {
      expect(res.status).toBe(422);
      const body = await bodyOf(res);
      expect(body.message).toBe('no ONVIF device answers at this address');
      expect(body.code).toBe('not_onvif');
    }
  });

  it('discovers the fleet over WS-Discovery and marks what is registered', async () => {
    const start = await technician.call('/api/cameras/discovery', { method: 'POST' });
    expect(start.status).toBe(202);
    const scan = await until('a finished discovery scan with three cameras', async () => {
      const s = (await (await technician.call('/api/cameras/discovery')).json()) as DiscoveryScanView;
      return !s.scanning && s.items.length >= 3 ? s : undefined;
    });
    expect(scan.items.map((d) => d.xaddr).sort()).toEqual(
      fleet
        .list()
        .map((c) => c.xaddr)
        .sort(),
    );
    const registered = scan.items.find((d) => d.xaddr === sim(0).xaddr);
    expect(registered?.registeredCameraId).toBe(fixedId);
    expect(scan.items.find((d) => d.xaddr === sim(1).xaddr)?.registeredCameraId).toBeNull();
    expect(registered?.name).toBe(sim(0).name);
    expect((await duty.call('/api/cameras/discovery')).status).toBe(403);
  });

  it('moves a PTZ dome, stops it, sets and recalls presets; audited', async () => {
    const cam = sim(1); // cam-002: every 2nd camera is a dome
    const res = await register(technician, {
      onvifAddress: cam.xaddr,
      username: cam.username,
      password: cam.password,
      regionId: qingquan.id,
      location: { lon: 1, lat: 1 },
    });
    expect(res.status).toBe(201);
    ptzId = ((await res.json()) as CameraDetailView).id;

    const move = await duty.call(`/api/cameras/${ptzId}/ptz`, {
      method: 'POST',
      json: { action: 'move', pan: 0.5, tilt: -0.25 },
    });
    expect(move.status).toBe(200);
    expect(fleet.ptz(cam.id)?.velocity).toMatchObject({ x: 0.5, y: -0.25 });
    await new Promise((r) => setTimeout(r, 200));
    expect(
      (await duty.call(`/api/cameras/${ptzId}/ptz`, { method: 'POST', json: { action: 'stop' } })).status,
    ).toBe(200);
    const stopped = fleet.ptz(cam.id)!;
    expect(stopped.velocity).toEqual({ x: 0, y: 0, zoom: 0 });
    expect(stopped.position.x).toBeGreaterThan(0);

    const set = await duty.call(`/api/cameras/${ptzId}/ptz`, {
      method: 'POST',
      json: { action: 'set-preset', name: '路口全景' },
    });
    const { presetToken } = (await set.json()) as { presetToken: string };
    expect(presetToken).toBeTruthy();
    const presets = (await (await duty.call(`/api/cameras/${ptzId}/ptz/presets`)).json()) as PtzPresetView[];
    expect(presets).toContainEqual({ token: presetToken, name: '路口全景' });
    expect(
      (
        await duty.call(`/api/cameras/${ptzId}/ptz`, {
          method: 'POST',
          json: { action: 'goto-preset', preset: presetToken },
        })
      ).status,
    ).toBe(200);

    // The township officer sees 清泉镇 cameras and may steer them; dispatchers may not.
    expect(
      (await dutyT1.call(`/api/cameras/${ptzId}/ptz`, { method: 'POST', json: { action: 'stop' } })).status,
    ).toBe(200);
    expect(
      (await dutyT1.call(`/api/cameras/${fixedId}/ptz`, { method: 'POST', json: { action: 'stop' } })).status,
    ).toBe(404);
    expect(
      (await duty.call(`/api/cameras/${fixedId}/ptz`, { method: 'POST', json: { action: 'stop' } })).status,
    ).toBe(409);
    const audits = await db.getRepository(AuditEntry).findBy({ action: 'camera.ptz', targetId: ptzId });
    expect(audits.length).toBeGreaterThanOrEqual(4);
  });

  it('takes a JPEG snapshot', async () => {
    const res = await duty.call(`/api/cameras/${fixedId}/snapshot`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(await db.getRepository(AuditEntry).countBy({ action: 'camera.snapshot', targetId: fixedId })).toBe(
      1,
    );
  });

  it('falls back to one RTSP frame through ffmpeg when there is no snapshot URI', async () => {
    await db.query(`UPDATE cameras SET snapshot_uri = NULL WHERE id = $1`, [ptzId]);
    const res = await duty.call(`/api/cameras/${ptzId}/snapshot`);
    expect(res.status).toBe(200);
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  const edit = (id: string, body: Record<string, unknown>) =>
    technician.call(`/api/cameras/${id}`, { method: 'PATCH', json: body });
  const stored = async (id: string): Promise<Record<string, unknown>> =>
    (await db.query<Record<string, unknown>[]>(`SELECT * FROM cameras WHERE id = $1`, [id]))[0];
  const edits = (id: string) =>
    db.getRepository(AuditEntry).countBy({ action: 'camera.update', targetId: id });
  const snapshotWorks = async (id: string) => {
    const res = await duty.call(`/api/cameras/${id}/snapshot`);
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 2)
        .toString('hex'),
    ).toBe('ffd8');
  };

  it('refuses an edit whose new password the camera rejects; record and working password stay', async () => {
    const before = await stored(fixedId);
    const audits = await edits(fixedId);
    const res = await edit(fixedId, { name: '不该保存', password: 'wrong' });
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.code).toBe('camera_auth_failed');
    expect(body.message).toBe('password: camera rejected the credentials (NotAuthorized)');
    expect(body.issues).toEqual([
      { path: 'password', message: 'camera rejected the credentials (NotAuthorized)' },
    ]);
    expect(await stored(fixedId)).toEqual(before);
    expect(await edits(fixedId)).toBe(audits);
    await snapshotWorks(fixedId);
  });

  it('refuses an edit to an address where no camera, or no ONVIF device, answers', async () => {
    const before = await stored(fixedId);
    const audits = await edits(fixedId);
    const res = await edit(fixedId, {
      onvifAddress: `http://127.0.0.1:${CLOSED_PORT}/onvif/device_service`,
      password: 'x',
    });
    expect(res.status).toBe(422);
    const body = await bodyOf(res);
    expect(body.code).toBe('not_onvif');
    expect(body.message).toBe('onvifAddress: no ONVIF device answers at this address');
    const web = await startPlainHttp();
    try {
      const res = await edit(fixedId, { onvifAddress: web.url, username: 'admin', password: 'x' });
      expect(res.status).toBe(422);
      const body = await bodyOf(res);
      expect(body.code).toBe('not_onvif');
      expect(body.message).toBe('onvifAddress: no ONVIF device answers at this address');
    } finally {
      await web.close();
    }
    // Another registered camera's address is a conflict, found before any probe.
    expect((await edit(fixedId, { onvifAddress: sim(1).xaddr })).status).toBe(409);
    expect(await stored(fixedId)).toEqual(before);
    expect(await edits(fixedId)).toBe(audits);
  });

  it('stores corrected credentials and refreshes what the probe finds; the camera works', async () => {
    const cam = sim(0);
    // The password was changed on site and the stored media details are out of date.
    const stale = new CredentialCipher(TEST_CREDENTIAL_KEY).encrypt('old-password');
    await db.query(
      `UPDATE cameras SET password_encrypted = $2, rtsp_uri = 'rtsp://127.0.0.1:1/old', snapshot_uri = NULL,
         main_profile_token = 'old', video_codec = 'h265', ptz = true WHERE id = $1`,
      [fixedId, stale],
    );
    const audits = await edits(fixedId);
    const res = await edit(fixedId, { username: cam.username, password: cam.password });
    expect(res.status).toBe(200);
    const view = (await res.json()) as CameraDetailView;
    expect(view).toMatchObject({
      ptz: false,
      videoCodec: 'h264',
      hasSubStream: true,
      onvifAddress: cam.xaddr,
    });
    expect(JSON.stringify(view)).not.toContain(cam.password);
    const row = await stored(fixedId);
    expect(row).toMatchObject({
      rtsp_uri: cam.rtsp.main,
      sub_rtsp_uri: cam.rtsp.sub,
      snapshot_uri: cam.snapshot,
      main_profile_token: 'Profile_1',
      video_codec: 'h264',
      ptz: false,
    });
    expect(String(row.password_encrypted)).toMatch(/^v1:/);
    expect(row.password_encrypted).not.toBe(stale);
    expect(String(row.password_encrypted)).not.toContain(cam.password);
    expect(await edits(fixedId)).toBe(audits + 1);
    await snapshotWorks(fixedId);

    // A new address (another port: another device) comes with the password again: the dome
    // becomes a fixed camera (no PTZ) and back again, and steers once more.
    const ptz = () => duty.call(`/api/cameras/${ptzId}/ptz`, { method: 'POST', json: { action: 'stop' } });
    const moved = await edit(ptzId, { onvifAddress: sim(2).xaddr, password: sim(2).password });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({
      onvifAddress: sim(2).xaddr,
      serialNumber: sim(2).serialNumber,
      ptz: false,
    });
    expect((await ptz()).status).toBe(409);
    await snapshotWorks(ptzId);
    const back = await edit(ptzId, { onvifAddress: sim(1).xaddr, password: sim(1).password });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ onvifAddress: sim(1).xaddr, ptz: true });
    expect((await ptz()).status).toBe(200);
  });

  it('edits name, region and location without talking to the camera, even while it is offline', async () => {
    const cam = sim(0);
    fleet.setOffline(cam.id);
    try {
      // An unchanged address and username are no change either.
      const res = await edit(fixedId, {
        name: '位奇村口（离线）',
        regionId: weiqi.id,
        location: { lon: 101.3, lat: 38.6 },
        onvifAddress: cam.xaddr,
        username: cam.username,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        name: '位奇村口（离线）',
        location: { lon: 101.3, lat: 38.6 },
      });
      // Whereas a credential edit now fails: the camera is really out of reach.
      const probed = await edit(fixedId, { password: cam.password });
      expect(probed.status).toBe(422);
      expect((await bodyOf(probed)).code).toBe('not_onvif');
    } finally {
      fleet.setOnline(cam.id);
    }
  });

  it('edits and deletes with audit; a new password is stored encrypted', async () => {
    const password = sim(0).password;
    const patch = await technician.call(`/api/cameras/${fixedId}`, {
      method: 'PATCH',
      json: { name: '位奇村口', location: { lon: 101.2, lat: 38.7 }, password },
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ name: '位奇村口', location: { lon: 101.2, lat: 38.7 } });
    const rows = await db.query(`SELECT password_encrypted FROM cameras WHERE id = $1`, [fixedId]);
    expect(String(rows[0].password_encrypted)).toMatch(/^v1:/);
    expect(String(rows[0].password_encrypted)).not.toContain(password);
    expect((await duty.call(`/api/cameras/${fixedId}`, { method: 'DELETE' })).status).toBe(403);
    expect((await technician.call(`/api/cameras/${fixedId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await technician.call(`/api/cameras/${fixedId}`)).status).toBe(404);
    expect(await db.getRepository(AuditEntry).countBy({ action: 'camera.delete', targetId: fixedId })).toBe(
      1,
    );
  });
});
