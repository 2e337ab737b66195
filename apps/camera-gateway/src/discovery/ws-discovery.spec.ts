import { parseProbeMatches, parseTargets, probeMessage } from './ws-discovery';

describe('WS-Discovery', () => {
  it('probes for NetworkVideoTransmitter', () => {
    const m = probeMessage('urn:uuid:1');
    expect(m).toContain('<d:Types>dn:NetworkVideoTransmitter</d:Types>');
    expect(m).toContain('<a:MessageID>urn:uuid:1</a:MessageID>');
  });

  it('reads a ProbeMatch: address, http XAddr, name and hardware from scopes', () => {
    const xml =
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="a" xmlns:d="d"><SOAP-ENV:Body>` +
      `<d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:abc</wsa:Address></wsa:EndpointReference>` +
      `<d:Types>dn:NetworkVideoTransmitter</d:Types>` +
      `<d:Scopes>onvif://www.onvif.org/name/%E6%B8%85%E6%B3%89 onvif://www.onvif.org/hardware/XL-IPC</d:Scopes>` +
      `<d:XAddrs>https://10.0.0.5/onvif/device_service http://10.0.0.5/onvif/device_service</d:XAddrs>` +
      `</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    expect(parseProbeMatches(xml)).toEqual([
      {
        urn: 'urn:uuid:abc',
        xaddr: 'http://10.0.0.5/onvif/device_service',
        scopes: ['onvif://www.onvif.org/name/%E6%B8%85%E6%B3%89', 'onvif://www.onvif.org/hardware/XL-IPC'],
        name: '清泉',
        hardware: 'XL-IPC',
      },
    ]);
    expect(parseProbeMatches('garbage')).toEqual([]);
  });

  it('parses unicast targets, skipping bad ones', () => {
    expect(parseTargets('127.0.0.1:3702, 10.1.1.1 ,bad:port, x:99999')).toEqual([
      { host: '127.0.0.1', port: 3702 },
      { host: '10.1.1.1', port: 3702 },
    ]);
  });
});
