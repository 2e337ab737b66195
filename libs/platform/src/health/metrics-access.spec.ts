import { isLoopbackAddress, metricsAccess } from './metrics-access';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:192.0.2.2', false],
    ['fd00::2', false],
    ['1270.0.0.1', false],
    ['127.0.0.1.example', false],
    [undefined, false],
    ['', false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('metricsAccess', () => {
  const local = '127.0.0.1';
  const remote = '192.0.2.7';
  it.each([
    // No token: this machine only, and not through a proxy speaking for someone else.
    ['no token, loopback', local, {}, '', 'allowed'],
    ['no token, IPv6 loopback', '::1', {}, '', 'allowed'],
    ['no token, remote', remote, {}, '', 'forbidden'],
    ['no token, remote with a made-up bearer', remote, { authorization: 'Bearer x' }, '', 'forbidden'],
    ['no token, loopback via a proxy', local, { 'x-forwarded-for': '203.0.113.9' }, '', 'forbidden'],
    ['no token, loopback via Forwarded', local, { forwarded: 'for=203.0.113.9' }, '', 'forbidden'],
    ['no token, loopback via X-Real-IP', local, { 'x-real-ip': '203.0.113.9' }, '', 'forbidden'],
    // Token: whoever holds it, wherever from; nobody without it, loopback included.
    [
      'token, right bearer, remote',
      remote,
      { authorization: 'Bearer s3cret-token' },
      's3cret-token',
      'allowed',
    ],
    ['token, lower-case scheme', remote, { authorization: 'bearer s3cret-token' }, 's3cret-token', 'allowed'],
    ['token, wrong bearer', remote, { authorization: 'Bearer s3cret-tokem' }, 's3cret-token', 'unauthorized'],
    ['token, prefix of it', remote, { authorization: 'Bearer s3cret' }, 's3cret-token', 'unauthorized'],
    ['token, Basic instead', remote, { authorization: 'Basic s3cret-token' }, 's3cret-token', 'unauthorized'],
    ['token, nothing sent, loopback', local, {}, 's3cret-token', 'unauthorized'],
  ] as const)('%s', (_, remoteAddress, headers, token, expected) => {
    expect(metricsAccess({ remoteAddress, headers }, token)).toBe(expected);
  });
});
