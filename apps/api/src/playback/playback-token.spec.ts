import { HlsTokens } from '../live-video/hls-token';
import { PlaybackTokens } from './playback-token';

describe('playback tokens', () => {
  const tokens = new PlaybackTokens('a-secret-of-enough-length');
  const cam = '0b6f4c1e-1f6a-4c55-9a57-6f4f0f0f0f0f';
  const from = new Date('2026-12-01T10:00:00.250Z');
  const to = new Date('2026-12-01T10:05:00Z');
  const exp = new Date(Date.now() + 60_000);

  it('grants its camera, stream and range until it expires', () => {
    const t = tokens.sign(cam, 'sub', from, to, exp);
    expect(tokens.verify(t, cam, 'sub')).toEqual({
      ok: true,
      grant: { fromMs: from.getTime(), toMs: to.getTime(), expMs: Math.floor(exp.getTime() / 1000) * 1000 },
    });
    expect(tokens.verify(t, cam, 'sub', exp.getTime() + 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['no token', () => [undefined, cam, 'sub'], 'missing'],
    ['garbage', () => ['abc', cam, 'sub'], 'invalid'],
    ['another camera', (t: string) => [t, '1b6f4c1e-1f6a-4c55-9a57-6f4f0f0f0f0f', 'sub'], 'invalid'],
    ['another stream', (t: string) => [t, cam, 'main'], 'invalid'],
    ['a widened range', (t: string) => [t.replace(/^\d+/, '0'), cam, 'sub'], 'invalid'],
    [
      'a later expiry',
      (t: string) => [t.replace(/\.(\d+)\.([^.]+)$/, '.9999999999.$2'), cam, 'sub'],
      'invalid',
    ],
    [
      'another key',
      () => [new PlaybackTokens('another-secret-long-enough').sign(cam, 'sub', from, to, exp), cam, 'sub'],
      'invalid',
    ],
    [
      'a live token',
      () => [new HlsTokens('a-secret-of-enough-length').sign(cam, 'sub', exp), cam, 'sub'],
      'invalid',
    ],
  ] as [string, (t: string) => [string | undefined, string, string], 'missing' | 'invalid'][])(
    'refuses %s',
    (_name, variant, reason) => {
      const t = tokens.sign(cam, 'sub', from, to, exp);
      const [token, camera, stream] = variant(t);
      expect(tokens.verify(token, camera, stream)).toEqual({ ok: false, reason });
    },
  );
});
