import { SimCamera } from './camera';
import { announcementXml, parseProbe, probeMatches, probeMatchXml } from './discovery';
import { makeIdentity } from './identity';

const cam = new SimCamera(
  makeIdentity(4, { seed: 1, namePrefix: '', ptz: true, codec: 'h264' }),
  '127.0.0.1',
  'admin',
  'sim12345',
  () => 'rtsp://127.0.0.1:8554',
);
cam.httpPort = 18004;

const probe = (types: string, scopes = ''): string =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">` +
  `<s:Header><a:MessageID>uuid:abc</a:MessageID></s:Header><s:Body>` +
  `<d:Probe xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types>${types}</d:Types>` +
  (scopes ? `<d:Scopes>${scopes}</d:Scopes>` : '') +
  `</d:Probe></s:Body></s:Envelope>`;

describe('WS-Discovery', () => {
  it.each([
    ['dn:NetworkVideoTransmitter', '', true],
    ['tds:Device', '', true],
    ['', '', true],
    ['dn:NetworkVideoDisplay', '', false],
    ['dn:NetworkVideoTransmitter', 'onvif://www.onvif.org/type/ptz', true],
    ['dn:NetworkVideoTransmitter', 'onvif://www.onvif.org/location/country', true],
    ['dn:NetworkVideoTransmitter', 'onvif://www.onvif.org/location/country/japan', false],
  ])('types %p scopes %p → match %p', (types, scopes, expected) => {
    const p = parseProbe(probe(types, scopes))!;
    expect(p.messageId).toBe('uuid:abc');
    expect(probeMatches(p, cam)).toBe(expected);
  });

  it('ignores what is not a Probe', () => {
    expect(parseProbe('<x/>')).toBeUndefined();
    expect(parseProbe(announcementXml(cam, 'Hello', 1))).toBeUndefined();
    expect(parseProbe('not xml at all <<<')).toBeUndefined();
  });

  it('ProbeMatch names the device: EPR, types, scopes, XAddrs, RelatesTo', () => {
    const xml = probeMatchXml(cam, 'uuid:abc', 7);
    expect(xml).toContain(`<wsa:Address>urn:uuid:${cam.identity.uuid}</wsa:Address>`);
    expect(xml).toContain('<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>');
    expect(xml).toContain('<d:XAddrs>http://127.0.0.1:18004/onvif/device_service</d:XAddrs>');
    expect(xml).toContain('<wsa:RelatesTo>uuid:abc</wsa:RelatesTo>');
    expect(xml).toContain('onvif://www.onvif.org/type/ptz');
    expect(xml).toContain('MessageNumber="7"');
  });

  it('Hello carries XAddrs, Bye only the endpoint', () => {
    expect(announcementXml(cam, 'Hello', 1)).toContain('<d:XAddrs>');
    const bye = announcementXml(cam, 'Bye', 2);
    expect(bye).toContain('/discovery/Bye</wsa:Action>');
    expect(bye).not.toContain('<d:XAddrs>');
  });
});
