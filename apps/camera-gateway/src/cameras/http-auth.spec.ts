import { createHash } from 'node:crypto';
import {
  basicAuthorization,
  chooseAuth,
  digestAuthorization,
  mayCarryCredentials,
  parseChallenges,
} from './http-auth';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

describe('parseChallenges', () => {
  it('reads one Digest challenge with quoted commas', () => {
    expect(
      parseChallenges('Digest realm="IP, Camera", nonce="abc", qop="auth,auth-int", algorithm=MD5'),
    ).toEqual([
      {
        scheme: 'digest',
        params: { realm: 'IP, Camera', nonce: 'abc', qop: 'auth,auth-int', algorithm: 'MD5' },
      },
    ]);
  });

  it('splits several challenges joined in one header', () => {
    expect(parseChallenges('Basic realm="cam", Digest realm="cam", nonce="n1"')).toEqual([
      { scheme: 'basic', params: { realm: 'cam' } },
      { scheme: 'digest', params: { realm: 'cam', nonce: 'n1' } },
    ]);
  });

  it.each([null, undefined, ''])('no header, no challenge (%p)', (h) => {
    expect(parseChallenges(h)).toEqual([]);
  });
});

describe('chooseAuth', () => {
  it.each<[string, string | undefined]>([
    ['Digest realm="r", nonce="n"', 'digest:MD5'],
    ['Basic realm="r", Digest realm="r", nonce="n"', 'digest:MD5'],
    [
      'Digest realm="r", nonce="a", algorithm=MD5, Digest realm="r", nonce="b", algorithm=SHA-256',
      'digest:SHA-256',
    ],
    ['Basic realm="r"', 'basic'],
    // a Digest we cannot answer is no reason to send the password in the clear
    ['Digest realm="r", nonce="n", qop="auth-int", Basic realm="r"', undefined],
    ['Digest realm="r", nonce="n", algorithm=SHA-512-256', undefined],
    ['Bearer realm="r"', undefined],
    ['', undefined],
  ])('%s → %s', (header, expected) => {
    const chosen = chooseAuth(parseChallenges(header));
    const label =
      chosen?.scheme === 'digest' ? `digest:${chosen.challenge.params.algorithm ?? 'MD5'}` : chosen?.scheme;
    expect(label).toBe(expected);
  });
});

describe('digestAuthorization', () => {
  it('answers the RFC 2617 example (MD5, qop=auth)', () => {
    const [challenge] = parseChallenges(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const value = digestAuthorization(
      challenge,
      { method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life' },
      '0a4f113b',
    );
    expect(value).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(value).toContain('qop=auth, nc=00000001, cnonce="0a4f113b"');
    expect(value).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('answers without qop, and a password with a colon is whole', () => {
    const [challenge] = parseChallenges('Digest realm="cam", nonce="n1"');
    const value = digestAuthorization(challenge, {
      method: 'GET',
      uri: '/snap.jpg?x=1',
      username: 'admin',
      password: 'a:b',
    });
    const expected = md5(`${md5('admin:cam:a:b')}:n1:${md5('GET:/snap.jpg?x=1')}`);
    expect(value).toContain(`response="${expected}"`);
    expect(value).not.toContain('a:b');
  });

  it('quotes a username with a quote in it', () => {
    const [challenge] = parseChallenges('Digest realm="cam", nonce="n1"');
    expect(
      digestAuthorization(challenge, { method: 'GET', uri: '/', username: 'a"b', password: 'p' }),
    ).toContain('username="a\\"b"');
  });

  it('Basic is base64 of user:password', () => {
    expect(basicAuthorization('admin', 'a:b')).toBe(`Basic ${Buffer.from('admin:a:b').toString('base64')}`);
  });
});

describe('mayCarryCredentials', () => {
  it.each<[string, string, boolean]>([
    ['http://10.0.0.5/snap.jpg', 'http://10.0.0.5/onvif/device_service', true],
    ['http://10.0.0.5:8080/snap.jpg', 'http://10.0.0.5:80/onvif/device_service', true],
    ['https://CAM.local/snap.jpg', 'http://cam.local/onvif/device_service', true],
    ['http://10.0.0.6/snap.jpg', 'http://10.0.0.5/onvif/device_service', false],
    ['http://evil.example/snap.jpg', 'http://10.0.0.5/onvif/device_service', false],
    ['http://10.0.0.5.evil.example/snap.jpg', 'http://10.0.0.5/onvif/device_service', false],
    ['ftp://10.0.0.5/snap.jpg', 'http://10.0.0.5/onvif/device_service', false],
    ['not a url', 'http://10.0.0.5/onvif/device_service', false],
  ])('%s for a camera at %s → %s', (url, home, expected) => {
    expect(mayCarryCredentials(url, home)).toBe(expected);
  });
});
