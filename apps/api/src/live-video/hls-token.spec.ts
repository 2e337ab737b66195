import { HlsTokens, rewritePlaylist } from './hls-token';

describe('HLS tokens', () => {
  const tokens = new HlsTokens('a-secret-of-enough-length');
  const cam = '0b6f4c1e-1f6a-4c55-9a57-6f4f0f0f0f0f';

  it('accepts its own token until it expires', () => {
    const exp = new Date(Date.now() + 60_000);
    const t = tokens.sign(cam, 'sub', exp);
    expect(tokens.verify(t, cam, 'sub')).toBe('ok');
    expect(tokens.verify(t, cam, 'sub', exp.getTime() + 1000)).toBe('expired');
  });

  it.each([
    ['no token', undefined, 'missing'],
    ['garbage', 'abc', 'invalid'],
    ['other camera', 'other', 'invalid'],
    ['other stream', 'main', 'invalid'],
    ['other key', 'key', 'invalid'],
  ])('refuses %s', (_name, variant, verdict) => {
    const exp = new Date(Date.now() + 60_000);
    let token: string | undefined = tokens.sign(cam, 'sub', exp);
    let camera = cam;
    let stream = 'sub';
    if (variant === undefined) token = undefined;
    else if (variant === 'abc') token = 'abc';
    else if (variant === 'other') camera = '1b6f4c1e-1f6a-4c55-9a57-6f4f0f0f0f0f';
    else if (variant === 'main') stream = 'main';
    else if (variant === 'key') token = new HlsTokens('another-secret-long-enough').sign(cam, 'sub', exp);
    expect(tokens.verify(token, camera, stream)).toBe(verdict);
  });

  it('carries the token onto segment URIs only', () => {
    const pl = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg_00001.ts\n#EXTINF:1.0,\nseg_00002.ts\n';
    expect(rewritePlaylist(pl, '12.ab')).toBe(
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg_00001.ts?token=12.ab\n#EXTINF:1.0,\nseg_00002.ts?token=12.ab\n',
    );
  });
});
