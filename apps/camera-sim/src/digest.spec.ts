import { digestResponse, NonceBook, parseAuthParams, verifyAuthorization } from './digest';

describe('Digest auth', () => {
  it('matches the RFC 2617 §3.5 example', () => {
    expect(
      digestResponse({
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('parses quoted and bare parameters', () => {
    expect(parseAuthParams('username="a b", realm="r", nc=00000001, qop=auth')).toEqual({
      username: 'a b',
      realm: 'r',
      nc: '00000001',
      qop: 'auth',
    });
  });

  const book = new NonceBook();
  const nonce = book.issue();
  const realm = 'IP Camera(Xueliang-Sim)';
  const header = (password: string, n = nonce, method = 'DESCRIBE', qop = false): string => {
    const uri = 'rtsp://127.0.0.1:8554/cam/cam-001/main';
    const response = digestResponse({
      username: 'admin',
      password,
      realm,
      method,
      uri,
      nonce: n,
      ...(qop ? { qop: 'auth', nc: '00000001', cnonce: 'abc' } : {}),
    });
    return `Digest username="admin", realm="${realm}", nonce="${n}", uri="${uri}", response="${response}"${qop ? ', qop=auth, nc=00000001, cnonce="abc"' : ''}`;
  };
  const check = {
    method: 'DESCRIBE',
    username: 'admin',
    password: 'sim12345',
    isKnownNonce: (n: string) => book.has(n),
  };

  it.each([
    ['good password', header('sim12345'), 'ok'],
    ['good password with qop', header('sim12345', nonce, 'DESCRIBE', true), 'ok'],
    ['wrong password', header('nope'), 'bad'],
    ['nonce we never issued', header('sim12345', 'deadbeef'), 'bad'],
    ['signed for another method', header('sim12345', nonce, 'PLAY'), 'bad'],
    ['no header', undefined, 'missing'],
    ['basic not allowed here', `Basic ${Buffer.from('admin:sim12345').toString('base64')}`, 'bad'],
  ])('%s', (_name, h, verdict) => {
    expect(verifyAuthorization(h, check)).toBe(verdict);
  });

  it('accepts Basic only where allowed (snapshots)', () => {
    const basic = `Basic ${Buffer.from('admin:sim12345').toString('base64')}`;
    expect(verifyAuthorization(basic, check, true)).toBe('ok');
    expect(verifyAuthorization(`Basic ${Buffer.from('admin:x').toString('base64')}`, check, true)).toBe(
      'bad',
    );
  });
});
