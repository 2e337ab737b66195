import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { ControlServer } from '../../apps/camera-sim/src/control';
import { postSoap, soapRequest, startFleet, until } from './support';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Cam } = require('onvif') as { Cam: new (opts: Record<string, unknown>) => OnvifCam };
const { OnvifDevice } = require('node-onvif') as {
  OnvifDevice: new (opts: { xaddr: string; user: string; pass: string }) => NodeOnvifDevice;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface OnvifCam {
  connect(cb: (err: Error | null) => void): void;
  activeSource?: {
    profileToken: string;
    width: number;
    height: number;
    encoding: string;
    ptz?: { token: string };
  };
  profiles: Array<{ $: { token: string } }>;
  uri: Record<string, { href: string }>;
  [method: string]: unknown;
}
interface NodeOnvifDevice {
  init(): Promise<unknown>;
  getUdpStreamUrl(): string;
  ptzMove(p: { speed: { x: number; y: number; z: number }; timeout?: number }): Promise<void>;
  ptzStop(): Promise<unknown>;
  getInformation(): Record<string, string>;
  fetchSnapshot(): Promise<{ headers: Record<string, string>; body: Buffer }>;
}

function call<T = unknown>(cam: OnvifCam, method: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = cam[method] as (...a: unknown[]) => void;
    fn.call(cam, ...args, (err: Error | null, data?: unknown) => (err ? reject(err) : resolve(data as T)));
  });
}

function connect(port: number, password = 'sim12345'): Promise<OnvifCam> {
  const cam = new Cam({
    hostname: '127.0.0.1',
    port,
    username: 'admin',
    password,
    autoconnect: false,
    timeout: 5000,
  });
  return new Promise((resolve, reject) => cam.connect((err) => (err ? reject(err) : resolve(cam))));
}

describe('camera-sim with the onvif and node-onvif client libraries', () => {
  let fleet: CameraFleet;
  let control: ControlServer;
  let controlUrl: string;
  const ptzCam = (): string => 'cam-002';

  beforeAll(async () => {
    fleet = await startFleet({ count: 3, ptzEvery: 2 });
    control = new ControlServer(fleet);
    controlUrl = `http://127.0.0.1:${await control.start(0)}`;
  });
  afterAll(async () => {
    await control?.stop();
    await fleet?.stop();
  });

  const portOf = (id: string): number => fleet.camera(id)!.httpPort;
  const post = (path: string, body?: unknown): Promise<Response> =>
    fetch(`${controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('lists distinct devices on the control API', async () => {
    const list = (await (await fetch(`${controlUrl}/cameras`)).json()) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(3);
    expect(new Set(list.map((c) => c.xaddr)).size).toBe(3);
    expect(new Set(list.map((c) => c.serialNumber)).size).toBe(3);
    expect(list[1]).toMatchObject({ id: 'cam-002', ptz: true, username: 'admin', password: 'sim12345' });
    expect(await (await fetch(`${controlUrl}/healthz`)).json()).toMatchObject({ ok: true, cameras: 3 });
    expect((await fetch(`${controlUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${controlUrl}/metrics`)).text()).toMatch(/sim_cameras\{state="online"\} 3/);
  });

  it('onvif: connects, reads profiles and the stream URI, device information', async () => {
    const cam = await connect(portOf('cam-001'));
    expect(Object.keys(cam.uri).sort()).toEqual(['device', 'events', 'media']);
    expect(cam.profiles.map((p) => p.$.token)).toEqual(['Profile_1', 'Profile_2']);
    expect(cam.activeSource).toMatchObject({
      profileToken: 'Profile_1',
      width: 640,
      height: 360,
      encoding: 'H264',
    });
    const uri = await call<{ uri: string }>(cam, 'getStreamUri', { protocol: 'RTSP' });
    expect(uri.uri).toBe(fleet.camera('cam-001')!.rtspUrl('main'));
    const sub = await call<{ uri: string }>(cam, 'getStreamUri', {
      protocol: 'RTSP',
      profileToken: 'Profile_2',
    });
    expect(sub.uri).toMatch(/\/cam\/cam-001\/sub$/);
    const info = await call<Record<string, string>>(cam, 'getDeviceInformation');
    expect(info.serialNumber).toBe(fleet.camera('cam-001')!.identity.serialNumber);
    const scopes = await call<Array<{ scopeItem: string }>>(cam, 'getScopes');
    expect(JSON.stringify(scopes)).toContain('onvif://www.onvif.org/name/');
  });

  it('onvif: moves the PTZ (continuous + stop, absolute, presets) and the sim state follows', async () => {
    const cam = await connect(portOf(ptzCam()));
    expect(cam.uri.ptz).toBeDefined();
    expect(cam.activeSource?.ptz?.token).toBe('PTZConfig_1');
    await call(cam, 'continuousMove', { x: 0.5, y: 0, zoom: 0 });
    await until('the pan to start', () => (fleet.ptz(ptzCam())!.position.x > 0.05 ? true : undefined));
    await call(cam, 'stop', { panTilt: true, zoom: true });
    const stopped = fleet.ptz(ptzCam())!;
    expect(stopped.moving).toEqual({ panTilt: false, zoom: false });
    expect(stopped.position.x).toBeGreaterThan(0);

    await call(cam, 'absoluteMove', { x: -0.4, y: 0.3, zoom: 0.6 });
    const status = await until('the absolute move to finish', async () => {
      const s = await call<{
        position: { x: number; y: number; zoom: number };
        moveStatus: { panTilt: string; zoom: string };
      }>(cam, 'getStatus', {});
      return s.moveStatus.panTilt === 'IDLE' && s.moveStatus.zoom === 'IDLE' ? s : undefined;
    });
    expect(status.position).toEqual({ x: -0.4, y: 0.3, zoom: 0.6 });

    await call(cam, 'setPreset', { presetName: 'school-gate' });
    const presets = await call<Record<string, { $: { token: number | string } }>>(cam, 'getPresets', {});
    const token = String(presets['school-gate'].$.token);
    await call(cam, 'absoluteMove', { x: 0, y: 0, zoom: 0 });
    await call(cam, 'gotoPreset', { preset: token });
    await until('the PTZ to stop moving', () => {
      const m = fleet.ptz(ptzCam())!.moving;
      return m.panTilt || m.zoom ? undefined : true;
    });
    expect(fleet.ptz(ptzCam())!.position).toEqual({ x: -0.4, y: 0.3, zoom: 0.6 });
    await call(cam, 'removePreset', { presetToken: token });
    expect(fleet.ptz(ptzCam())!.presets).toEqual([]);
    const nodes = await call<Record<string, unknown>>(cam, 'getNodes');
    expect(Object.keys(nodes)).toEqual(['PTZNode_1']);
    expect(await (await fetch(`${controlUrl}/cameras/${ptzCam()}/ptz`)).json()).toMatchObject({
      position: { x: -0.4 },
    });
  });

  it('node-onvif: init, stream URL, ptzMove then ptzStop', async () => {
    const dev = new OnvifDevice({ xaddr: fleet.camera(ptzCam())!.xaddr, user: 'admin', pass: 'sim12345' });
    await dev.init();
    expect(dev.getUdpStreamUrl()).toBe(fleet.camera(ptzCam())!.rtspUrl('main'));
    expect(dev.getInformation().SerialNumber).toBe(fleet.camera(ptzCam())!.identity.serialNumber);
    const before = fleet.ptz(ptzCam())!.position.y;
    await dev.ptzMove({ speed: { x: 0, y: -0.5, z: 0 }, timeout: 5 });
    await until('the tilt to start', () =>
      fleet.ptz(ptzCam())!.position.y < before - 0.05 ? true : undefined,
    );
    await dev.ptzStop();
    expect(fleet.ptz(ptzCam())!.moving.panTilt).toBe(false);
    // node-onvif fetches the snapshot with HTTP Digest.
    const snap = await dev.fetchSnapshot();
    expect([snap.body[0], snap.body[1]]).toEqual([0xff, 0xd8]);
  });

  it('wrong password: NotAuthorized fault surfaced as an error by both libraries', async () => {
    await expect(connect(portOf('cam-001'), 'wrong')).rejects.toThrow(/Sender not Authorized/);
    const dev = new OnvifDevice({ xaddr: fleet.camera('cam-001')!.xaddr, user: 'admin', pass: 'wrong' });
    await expect(dev.init()).rejects.toThrow(/400.*Sender not Authorized/);
    const raw = await postSoap(
      fleet.camera('cam-001')!.xaddr,
      soapRequest('<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>', 'admin', 'wrong'),
    );
    expect(raw.status).toBe(400);
    expect(raw.text).toContain('<env:Value>env:Sender</env:Value>');
    expect(raw.text).toContain('ter:NotAuthorized');
  });

  it('GetSystemDateAndTime answers without credentials; other calls without any get 401 + Digest challenge', async () => {
    const url = fleet.camera('cam-001')!.xaddr;
    const time = await postSoap(
      url,
      soapRequest('<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'),
    );
    expect(time.status).toBe(200);
    expect(time.text).toContain('<tt:UTCDateTime>');
    const res = await fetch(url, {
      method: 'POST',
      body: soapRequest('<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>'),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Digest realm=/);
  });

  it('malformed XML and unknown actions get SOAP faults, and the camera keeps answering', async () => {
    const url = fleet.camera('cam-001')!.xaddr;
    const bad = await postSoap(
      url,
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><Get',
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('ter:WellFormed');
    const unknown = await postSoap(url, soapRequest('<FlyToTheMoon xmlns="urn:x"/>', 'admin', 'sim12345'));
    expect(unknown.status).toBe(500);
    expect(unknown.text).toContain('ter:ActionNotSupported');
    const ok = await postSoap(
      url,
      soapRequest('<GetHostname xmlns="http://www.onvif.org/ver10/device/wsdl"/>', 'admin', 'sim12345'),
    );
    expect(ok.status).toBe(200);
  });

  it('PullPoint: an event fired on the control API completes a waiting PullMessages', async () => {
    const cam = await connect(portOf('cam-003'));
    await call(cam, 'createPullPointSubscription');
    const pulled = call<{ notificationMessage: Record<string, unknown> }>(cam, 'pullMessages', {
      messageLimit: 5,
    });
    await until('an event subscription on cam-003', () =>
      fleet.camera('cam-003')!.events.size > 0 ? true : undefined,
    );
    // Give the long poll a moment to be parked on the server before the event fires.
    await new Promise((r) => setTimeout(r, 200));
    const fired = await post('/cameras/cam-003/events', { topic: 'motion', state: true });
    expect(((await fired.json()) as { delivered: number }).delivered).toBe(1);
    const data = await pulled;
    const msg = JSON.stringify(data.notificationMessage);
    expect(msg).toContain('tns1:RuleEngine/CellMotionDetector/Motion');
    expect(msg).toContain('IsMotion');
    expect(msg).toContain('VideoSourceConfigurationToken');
    expect(msg).toContain('UtcTime');
    await call(cam, 'unsubscribe');
  });

  it("onvif: cam.on('event') (the library's own pull loop) receives a digital input event", async () => {
    const cam = (await connect(portOf('cam-002'))) as OnvifCam & {
      on(ev: 'event', fn: (msg: unknown) => void): void;
      removeAllListeners(ev: string): void;
    };
    const got = new Promise<string>((resolve) => cam.on('event', (msg) => resolve(JSON.stringify(msg))));
    await until('an event subscription on cam-002', () =>
      fleet.camera('cam-002')!.events.size > 0 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 200));
    await post('/cameras/cam-002/events', { topic: 'digital_input', state: false });
    const msg = await got;
    cam.removeAllListeners('event');
    expect(msg).toContain('tns1:Device/Trigger/DigitalInput');
    expect(msg).toContain('LogicalState');
  });

  it('PullPoint: PullMessages without events returns empty after its Timeout; expired subscriptions fault', async () => {
    const c = fleet.camera('cam-001')!;
    const created = await postSoap(
      c.serviceUrl('events'),
      soapRequest(
        '<CreatePullPointSubscription xmlns="http://www.onvif.org/ver10/events/wsdl"><InitialTerminationTime>PT3S</InitialTerminationTime></CreatePullPointSubscription>',
        'admin',
        'sim12345',
      ),
    );
    const address = /<wsa:Address>([^<]+)<\/wsa:Address>/.exec(created.text)![1];
    expect(address).toMatch(new RegExp(`^http://127.0.0.1:${c.httpPort}/onvif/events/pullpoint/`));
    const pull = (): Promise<{ status: number; text: string }> =>
      postSoap(
        address,
        soapRequest(
          '<PullMessages xmlns="http://www.onvif.org/ver10/events/wsdl"><Timeout>PT1S</Timeout><MessageLimit>10</MessageLimit></PullMessages>',
          'admin',
          'sim12345',
        ),
      );
    const empty = await pull();
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('<tev:PullMessagesResponse>');
    expect(empty.text).not.toContain('NotificationMessage');
    const tamper = await post('/cameras/cam-001/events', { topic: 'tampering' });
    expect(tamper.status).toBe(200);
    const withEvent = await pull();
    expect(withEvent.text).toContain('tns1:VideoSource/GlobalSceneChange/ImagingService');
    expect(withEvent.text).toContain('Name="State" Value="true"');
    await until(
      'the expired subscription to answer 400',
      async () => ((await pull()).status === 400 ? true : undefined),
      10_000,
    );
  });

  it('WS-Discovery: a unicast Probe returns every camera with its XAddrs', async () => {
    const dgram = await import('node:dgram');
    const socket = dgram.createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const probe =
      `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ` +
      `xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header>` +
      `<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
      `<a:MessageID>urn:uuid:11111111-2222-3333-4444-555555555555</a:MessageID>` +
      `<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body>` +
      `<Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ` +
      `xmlns:dp0="http://www.onvif.org/ver10/network/wsdl">dp0:NetworkVideoTransmitter</d:Types></Probe></s:Body></s:Envelope>`;
    socket.send(probe, fleet.discoveryPort, '127.0.0.1');
    try {
      await until('three probe matches', () => (got.length >= 3 ? true : undefined), 5000);
    } finally {
      socket.close();
    }
    const all = got.join('\n');
    for (const c of fleet.cameras) {
      expect(all).toContain(`<d:XAddrs>${c.xaddr}</d:XAddrs>`);
      expect(all).toContain(`urn:uuid:${c.identity.uuid}`);
    }
    expect(all).toContain('<wsa:RelatesTo>urn:uuid:11111111-2222-3333-4444-555555555555</wsa:RelatesTo>');
    expect(all).toContain('dn:NetworkVideoTransmitter');
  });

  it('snapshot: JPEG with Basic or Digest auth, 401 without', async () => {
    const url = fleet.camera('cam-001')!.snapshotUrl();
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from('admin:sim12345').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  });

  it('offline: SOAP requests are refused until the camera is back online', async () => {
    const url = fleet.camera('cam-003')!.xaddr;
    const req = soapRequest('<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    expect((await post('/cameras/cam-003/offline')).status).toBe(200);
    await expect(postSoap(url, req)).rejects.toThrow();
    expect(await (await fetch(`${controlUrl}/cameras/cam-003`)).json()).toMatchObject({
      online: false,
    });
    await post('/cameras/cam-003/online');
    expect((await postSoap(url, req)).status).toBe(200);
  });

  it('control API validates its input', async () => {
    expect((await post('/cameras/cam-001/events', { topic: 'meteor' })).status).toBe(400);
    expect((await post('/cameras/cam-999/offline')).status).toBe(404);
    expect((await post('/cameras/cam-001/slow', { ms: 5 })).status).toBe(200);
    await post('/cameras/cam-001/slow', { ms: 0 });
  });
});
