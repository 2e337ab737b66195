import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StreamKind } from '@xueliang/contracts';

/**
 * Short-lived HLS tokens: "<exp>.<sig>", sig = HMAC-SHA256(cameraId|stream|exp) under a key
 * derived from JWT_SECRET, so a token for one camera and stream opens nothing else and a
 * session JWT never appears in a URL.
 */
export class HlsTokens {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = createHmac('sha256', jwtSecret).update('xueliang:hls-token:v1').digest();
  }

  sign(cameraId: string, stream: StreamKind, expiresAt: Date): string {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${exp}.${this.mac(cameraId, stream, exp)}`;
  }

  /** 'missing' and 'invalid' are 401s, 'expired' a 403. */
  verify(
    token: string | undefined,
    cameraId: string,
    stream: string,
    now = Date.now(),
  ): 'ok' | 'missing' | 'invalid' | 'expired' {
    if (!token) return 'missing';
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return 'invalid';
    const exp = Number(m[1]);
    const expected = Buffer.from(this.mac(cameraId, stream, exp));
    const given = Buffer.from(m[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    return exp * 1000 > now ? 'ok' : 'expired';
  }

  private mac(cameraId: string, stream: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${cameraId}|${stream}|${exp}`).digest('base64url');
  }
}

/** Appends the token to every segment URI of a playlist, so hls.js carries it without a custom loader. */
export function rewritePlaylist(playlist: string, token: string): string {
  const q = `token=${encodeURIComponent(token)}`;
  return playlist
    .split('\n')
    .map((line) => {
      const l = line.trim();
      if (!l || l.startsWith('#')) return line;
      return `${l}${l.includes('?') ? '&' : '?'}${q}`;
    })
    .join('\n');
}
