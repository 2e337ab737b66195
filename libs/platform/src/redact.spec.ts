import { redactCredentials, secretsInUrl } from './redact';

describe('redactCredentials', () => {
  it.each<[string, string, string[]]>([
    // URL userinfo, any scheme; the username stays for diagnostics.
    ['rtsp://admin:s3cret@10.0.0.5:554/cam/1/main', 'rtsp://admin:***@10.0.0.5:554/cam/1/main', []],
    ['rtsps://admin:s3cret@cam/x', 'rtsps://admin:***@cam/x', []],
    ['http://admin:s3cret@cam/onvif/snapshot.jpg', 'http://admin:***@cam/onvif/snapshot.jpg', []],
    ['https://tok3n@cam/x', 'https://***@cam/x', []],
    // ffmpeg stderr lines carry the input URL
    [
      '[in#0 @ 0x1] Error opening input: rtsp://admin:p%40ss@127.0.0.1:8554/cam/a/sub: Server returned 404 Not Found',
      '[in#0 @ 0x1] Error opening input: rtsp://admin:***@127.0.0.1:8554/cam/a/sub: Server returned 404 Not Found',
      [],
    ],
    // an unencoded @ in the password still goes (greedy to the last @ of the authority)
    ['rtsp://admin:p@ss@host/x', 'rtsp://admin:***@host/x', []],
    ['two: rtsp://a:b@h1/x and http://c:d@h2/y', 'two: rtsp://a:***@h1/x and http://c:***@h2/y', []],
    // no userinfo: unchanged
    ['rtsp://127.0.0.1:554/cam/1', 'rtsp://127.0.0.1:554/cam/1', []],
    ['user@example.org wrote', 'user@example.org wrote', []],
    // query and free-text parameters
    [
      'http://cam/snap.cgi?user=admin&password=s3cret&ch=1',
      'http://cam/snap.cgi?user=admin&password=***&ch=1',
      [],
    ],
    ['http://cam/snap.cgi?pwd=s3cret', 'http://cam/snap.cgi?pwd=***', []],
    ['/api/hls/x/index.m3u8?token=abc.def', '/api/hls/x/index.m3u8?token=***', []],
    ['login failed passwd=s3cret user=a', 'login failed passwd=*** user=a', []],
    ['compass=north', 'compass=north', []],
    // JSON fields
    ['{"username":"admin","password":"s3\\"cret"}', '{"username":"admin","password":"***"}', []],
    // authorization values
    ['authorization: Basic YWRtaW46czNjcmV0', 'authorization: Basic ***', []],
    ['Bearer eyJhbGciOi.x.y', 'Bearer ***', []],
    ['WWW-Authenticate: Basic realm="cam"', 'WWW-Authenticate: Basic realm="cam"', []],
    ['Basic settings saved', 'Basic settings saved', []],
    // known secrets, raw and percent-encoded, wherever they stand
    ['camera fault: bad password Zq@81:kx/Secret', 'camera fault: bad password ***', ['Zq@81:kx/Secret']],
    ['echo Zq%4081%3Akx%2FSecret', 'echo ***', ['Zq@81:kx/Secret']],
    ['rtsp://admin:Zq@81:kx/Secret@h/x', 'rtsp://admin:***@h/x', ['Zq@81:kx/Secret']],
    ['nothing here', 'nothing here', ['', undefined as unknown as string]],
  ])('%s', (input, expected, secrets) => {
    expect(redactCredentials(input, secrets)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = redactCredentials('rtsp://admin:pw@h/x?password=pw', ['pw']);
    expect(redactCredentials(once, ['pw'])).toBe(once);
  });
});

describe('secretsInUrl', () => {
  it.each<[string, string[]]>([
    ['rtsp://admin:s3cret@h/x', ['s3cret']],
    ['rtsp://admin:p%40ss%2F1@h/x', ['p%40ss%2F1', 'p@ss/1']],
    ['rtsp://admin@h/x', []],
    ['rtsp://h/x', []],
    ['rtsp://admin:@h/x', []],
  ])('%s', (url, expected) => {
    expect(secretsInUrl(url)).toEqual(expected);
  });
});
