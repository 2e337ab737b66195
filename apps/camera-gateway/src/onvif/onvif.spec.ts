import { createHash } from 'node:crypto';
import { ptzRequest } from '../cameras/camera-control.service';
import { NO_ONVIF_DEVICE } from './camera-networks';
import { codecOfProbe, ffprobePathOf } from '../cameras/stream-codec.adapter';
import { reachableAddress } from './device-addresses';
import {
  classifyProbeError,
  connectFailure,
  normaliseCodec,
  pickProfiles,
  profilesOf,
} from './onvif-probe.adapter';
import { OnvifError, statusReasonOf } from './onvif-error';
import { actionUri, buildRequest, requestBody, serviceOf, usernameTokenHeader } from './soap-envelopes';
import { parseSoap } from './soap-response';

describe('SOAP envelopes', () => {
  it('signs with a WS-Security PasswordDigest of nonce + created + password', () => {
    const nonce = Buffer.from('0123456789abcdef');
    const created = new Date('2026-01-01T00:00:00.000Z');
    const header = usernameTokenHeader({ username: 'admin', password: 'sim12345' }, created, nonce);
    const expected = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from('2026-01-01T00:00:00.000Z'), Buffer.from('sim12345')]))
      .digest('base64');
    expect(header).toContain(`#PasswordDigest">${expected}</wsse:Password>`);
    expect(header).toContain(`<wsse:Nonce EncodingType=`);
    expect(header).toContain(`<wsu:Created>2026-01-01T00:00:00.000Z</wsu:Created>`);
  });

  it('leaves GetSystemDateAndTime unauthenticated and addresses pull points', () => {
    const creds = { username: 'admin', password: 'x' };
    expect(buildRequest({ action: 'GetSystemDateAndTime' }, creds, new Date())).not.toContain(
      'UsernameToken',
    );
    const pull = buildRequest(
      { action: 'PullMessages', timeoutS: 5, limit: 10 },
      creds,
      new Date(),
      'http://cam/sub/1',
    );
    expect(pull).toContain('UsernameToken');
    expect(pull).toContain('<wsa:To>http://cam/sub/1</wsa:To>');
    expect(pull).toContain('<tev:Timeout>PT5S</tev:Timeout><tev:MessageLimit>10</tev:MessageLimit>');
  });

  it.each([
    [
      { action: 'move' as const, pan: 0.5, tilt: -0.25, zoom: 0 },
      'ContinuousMove',
      '<tt:PanTilt x="0.5" y="-0.25"/><tt:Zoom x="0"/>',
    ],
    [{ action: 'stop' as const }, 'Stop', '<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom>'],
    [{ action: 'goto-preset' as const, preset: '3' }, 'GotoPreset', '<tptz:PresetToken>3</tptz:PresetToken>'],
    [
      { action: 'set-preset' as const, name: '<gate>' },
      'SetPreset',
      '<tptz:PresetName>&#60;gate&#62;</tptz:PresetName>',
    ],
  ])('PTZ %j → %s', (cmd, action, fragment) => {
    const req = ptzRequest(cmd, 'Profile_1');
    expect(req.action).toBe(action);
    expect(serviceOf(req)).toBe('ptz');
    const body = requestBody(req);
    expect(body).toContain('<tptz:ProfileToken>Profile_1</tptz:ProfileToken>');
    expect(body).toContain(fragment);
  });
});

describe('SOAP replies', () => {
  it('reads faults and rejects what is not SOAP', () => {
    const fault =
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>' +
      '<env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason>' +
      '</env:Fault></env:Body></env:Envelope>';
    expect(parseSoap(fault)?.fault).toEqual({
      code: 'env:Sender',
      subcode: 'ter:NotAuthorized',
      reason: 'Sender not Authorized',
    });
    expect(parseSoap('<html><body>Not Found</body></html>')).toBeUndefined();
    expect(parseSoap('Not Found')).toBeUndefined();
  });
});

describe('probe', () => {
  it('picks the highest resolution as main and the lowest as sub', () => {
    const picked = pickProfiles([
      { token: 'sub', width: 320, height: 180, codec: 'h264' },
      { token: 'main', width: 1920, height: 1080, codec: 'h265' },
      { token: 'third', width: 640, height: 360, codec: 'h264' },
    ]);
    expect(picked?.main.token).toBe('main');
    expect(picked?.sub?.token).toBe('sub');
    expect(pickProfiles([{ token: 'only', width: 1, height: 1, codec: null }])?.sub).toBeNull();
    expect(pickProfiles([])).toBeNull();
  });

  it.each([
    ['H264', 'h264'],
    ['H.265', 'h265'],
    ['HEVC', 'h265'],
    ['JPEG', 'jpeg'],
    [undefined, null],
  ])('codec %s → %s', (enc, codec) => expect(normaliseCodec(enc)).toBe(codec));

  it.each([
    [
      new Error('ONVIF SOAP Fault: Sender not Authorized'),
      'auth',
      'camera rejected the credentials (NotAuthorized)',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:80'), { code: 'ECONNREFUSED' }),
      'refused',
      'camera unreachable (ECONNREFUSED)',
    ],
    [new Error('Error: connect ECONNREFUSED 10.0.0.1:80'), 'refused', 'camera unreachable (ECONNREFUSED)'],
    [new Error('Network timeout'), 'timeout', 'camera unreachable (timeout)'],
    [
      Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }),
      'unreachable',
      'camera unreachable (EHOSTUNREACH)',
    ],
    [new Error('Wrong ONVIF SOAP response'), 'not_onvif', 'not an ONVIF device'],
  ])('classifies %s', (err, kind, message) => {
    const e = classifyProbeError(err);
    expect(e).toBeInstanceOf(OnvifError);
    expect(e.kind).toBe(kind);
    expect(e.message).toBe(message);
  });

  // Registration must not tell a closed port from a filtered one, a web server or an SSH banner.
  it.each<[Error, string, string]>([
    [
      new Error('ONVIF SOAP Fault: Sender not Authorized'),
      'auth',
      'camera rejected the credentials (NotAuthorized)',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:80'), { code: 'ECONNREFUSED' }),
      'not_onvif',
      NO_ONVIF_DEVICE,
    ],
    [new Error('Network timeout'), 'not_onvif', NO_ONVIF_DEVICE],
    [new OnvifError('timeout', 'camera unreachable (timeout)'), 'not_onvif', NO_ONVIF_DEVICE],
    [
      Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }),
      'not_onvif',
      NO_ONVIF_DEVICE,
    ],
    [
      Object.assign(new Error('Parse Error: Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT' }),
      'not_onvif',
      NO_ONVIF_DEVICE,
    ],
    [new Error('Wrong ONVIF SOAP response'), 'not_onvif', NO_ONVIF_DEVICE],
    // a web server's 401 (Basic or Digest) is not an ONVIF service's auth fault
    [new Error('Digest authentication failed 401'), 'not_onvif', NO_ONVIF_DEVICE],
    [new Error('Digest authentication headers not found 401'), 'not_onvif', NO_ONVIF_DEVICE],
    [new Error("Cannot read properties of undefined (reading '0')"), 'not_onvif', NO_ONVIF_DEVICE],
    [new Error('something else entirely'), 'not_onvif', NO_ONVIF_DEVICE],
  ])('a failed connect %s → %s', (err, kind, message) => {
    const e = connectFailure(err);
    expect([e.kind, e.message]).toEqual([kind, message]);
  });

  it('words status reasons for the console', () => {
    expect(statusReasonOf('auth')).toBe('auth failed');
    expect(statusReasonOf('timeout')).toBe('timeout');
    expect(statusReasonOf('refused')).toBe('connection refused');
  });
});

describe('device-reported addresses (NAT)', () => {
  const registered = 'http://203.0.113.7:8081/onvif/device_service';
  it.each([
    ['http://192.168.1.64/onvif/PTZ?x=1', 'http://203.0.113.7:8081/onvif/PTZ?x=1'],
    ['http://192.168.1.64:80/onvif/events/pullpoint/7', 'http://203.0.113.7:8081/onvif/events/pullpoint/7'],
    ['https://192.168.1.64/snap.jpg?ch=1', 'http://203.0.113.7:8081/snap.jpg?ch=1'],
    // RTSP keeps its own (forwarded) port; only the host moves.
    [
      'rtsp://192.168.1.64:554/Streaming/Channels/101?transportmode=unicast',
      'rtsp://203.0.113.7:554/Streaming/Channels/101?transportmode=unicast',
    ],
    ['rtsp://203.0.113.7:554/main', 'rtsp://203.0.113.7:554/main'],
    ['not a url', 'not a url'],
  ])('%s → %s', (reported, reached) => {
    expect(reachableAddress(reported, registered, false)).toBe(reached);
  });
  it('leaves them alone when the camera is set to trust them', () => {
    expect(reachableAddress('http://192.168.1.64/onvif/PTZ', registered, true)).toBe(
      'http://192.168.1.64/onvif/PTZ',
    );
  });
});

describe('tolerated replies', () => {
  it('reads a SOAP 1.1 fault', () => {
    const xml =
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>' +
      '<faultcode>ter:NotAuthorized</faultcode><faultstring>Sender not Authorized</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>';
    expect(parseSoap(xml)?.fault).toEqual({
      code: 'ter:NotAuthorized',
      subcode: 'ter:NotAuthorized',
      reason: 'Sender not Authorized',
    });
  });

  it('reads Media2 and Media profiles under any prefixes, with optional parts missing', () => {
    const media2 = parseSoap(
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><ns3:GetProfilesResponse xmlns:ns3="x" xmlns:ns0="y">' +
        '<ns3:Profiles token="P1"><ns3:Configurations><ns3:VideoEncoder><ns0:Encoding>H265</ns0:Encoding>' +
        '<ns0:Resolution><ns0:Width>1920</ns0:Width><ns0:Height>1080</ns0:Height></ns0:Resolution></ns3:VideoEncoder></ns3:Configurations></ns3:Profiles>' +
        '<ns3:Profiles token="P2"/></ns3:GetProfilesResponse></s:Body></s:Envelope>',
    )!;
    expect(profilesOf(media2.body, true)).toEqual([
      { token: 'P1', width: 1920, height: 1080, codec: 'h265' },
      { token: 'P2', width: 0, height: 0, codec: null },
    ]);
    const media1 = parseSoap(
      '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><GetProfilesResponse><Profiles token="A">' +
        '<VideoEncoderConfiguration><Encoding>H264</Encoding><Resolution><Width>640</Width><Height>360</Height></Resolution>' +
        '</VideoEncoderConfiguration></Profiles></GetProfilesResponse></e:Body></e:Envelope>',
    )!;
    expect(profilesOf(media1.body, false)).toEqual([{ token: 'A', width: 640, height: 360, codec: 'h264' }]);
  });

  it('names each request by its SOAP action; event requests carry WS-Addressing', () => {
    expect(actionUri({ action: 'GetDeviceInformation' })).toBe(
      'http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation',
    );
    expect(actionUri({ action: 'Media2GetStreamUri', profileToken: 'p' })).toBe(
      'http://www.onvif.org/ver20/media/wsdl/GetStreamUri',
    );
    expect(actionUri({ action: 'PullMessages', timeoutS: 1, limit: 1 })).toBe(
      'http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest',
    );
    const create = buildRequest(
      { action: 'CreatePullPointSubscription', terminationS: 60 },
      undefined,
      new Date(),
    );
    expect(create).toContain(
      '<wsa:Action>http://www.onvif.org/ver10/events/wsdl/EventPortType/CreatePullPointSubscriptionRequest</wsa:Action>',
    );
    expect(buildRequest({ action: 'GetProfiles' }, undefined, new Date())).not.toContain('wsa:Action');
    expect(requestBody({ action: 'Media2GetProfiles' })).toBe(
      '<tr2:GetProfiles><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>',
    );
  });

  it('reads the codec ffprobe finds in a stream', () => {
    expect(codecOfProbe('{"streams":[{"codec_name":"hevc"}]}')).toBe('h265');
    expect(codecOfProbe('{"streams":[{"codec_name":"h264"}]}')).toBe('h264');
    expect(codecOfProbe('{"streams":[]}')).toBeNull();
    expect(codecOfProbe('garbage')).toBeNull();
    expect(ffprobePathOf('/usr/bin/ffmpeg')).toBe('/usr/bin/ffprobe');
    expect(ffprobePathOf('ffmpeg')).toBe('ffprobe');
  });
});
