import dgram from 'node:dgram';
import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { startFleet, until } from './support';

const GROUP = '239.255.255.250';
const PROBE =
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ` +
  `xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header>` +
  `<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
  `<a:MessageID>urn:uuid:99999999-2222-3333-4444-555555555555</a:MessageID>` +
  `<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body>` +
  `<Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ` +
  `xmlns:dp0="http://www.onvif.org/ver10/network/wsdl">dp0:NetworkVideoTransmitter</d:Types></Probe></s:Body></s:Envelope>`;

function socket(got: string[]): dgram.Socket {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  s.on('message', (m) => got.push(m.toString()));
  return s;
}

/**
 * WS-Discovery as a client on the LAN sees it: a Probe sent to the multicast group (not to the
 * sim's address) finds every camera, and cameras announce themselves to the group with Hello/Bye.
 * The responder listens on an ephemeral port here so parallel suites cannot collide on 3702.
 */
describe('camera-sim WS-Discovery over multicast', () => {
  let fleet: CameraFleet;
  const sockets: dgram.Socket[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 3, multicast: true, discoveryPort: 0 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await fleet?.stop();
  });

  it('a Probe to 239.255.255.250 gets a ProbeMatch from every camera', async () => {
    const got: string[] = [];
    const prober = socket(got);
    sockets.push(prober);
    await new Promise<void>((r) => prober.bind(0, () => r()));
    prober.setMulticastLoopback(true);
    prober.send(PROBE, fleet.discoveryPort, GROUP);
    await until('three probe matches', () => (got.length >= 3 ? true : undefined), 5000);
    const all = got.join('\n');
    for (const c of fleet.cameras) expect(all).toContain(`<d:XAddrs>${c.xaddr}</d:XAddrs>`);
    expect(all).toContain('urn:uuid:99999999-2222-3333-4444-555555555555');
  });

  it('a camera going offline says Bye and coming back says Hello, to the group', async () => {
    const got: string[] = [];
    const listener = socket(got);
    sockets.push(listener);
    await new Promise<void>((r) => listener.bind(fleet.discoveryPort, () => r()));
    listener.addMembership(GROUP);
    const cam = fleet.cameras[1];
    fleet.setOffline(cam.id);
    await until('the Bye', () => (got.some((m) => m.includes('/discovery/Bye')) ? true : undefined), 5000);
    fleet.setOnline(cam.id);
    const hello = await until('the Hello', () => got.find((m) => m.includes('/discovery/Hello')), 5000);
    expect(hello).toContain(`<d:XAddrs>${cam.xaddr}</d:XAddrs>`);
    expect(got.find((m) => m.includes('/discovery/Bye'))).toContain(`urn:uuid:${cam.identity.uuid}`);
  });
});
