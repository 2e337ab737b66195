import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StreamKind } from '@xueliang/contracts';

/** What a valid playback token grants: one camera, one stream, one range, until it expires. */
export interface PlaybackGrant {
  fromMs: number;
  toMs: number;
  expMs: number;
}

export type PlaybackVerdict =
  { ok: true; grant: PlaybackGrant } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

const TOKEN = /^(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Short-lived playback tokens: "<fromMs>.<toMs>.<exp>.<sig>", sig = HMAC-SHA256 over camera,
 * stream, range and expiry under a key derived from JWT_SECRET with its own label, so a live
 * token is never a playback token, and a playback token opens nothing but its camera's stream
 * inside its range. The range travels in clear (the api needs it to clip the playlist and to
 * check each segment) but any change to it breaks the signature.
 */
export class PlaybackTokens {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = createHmac('sha256', jwtSecret).update('xueliang:playback-token:v1').digest();
  }

  sign(cameraId: string, stream: StreamKind, from: Date, to: Date, expiresAt: Date): string {
    const f = from.getTime();
    const t = to.getTime();
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${f}.${t}.${exp}.${this.mac(cameraId, stream, f, t, exp)}`;
  }

  /** 'missing' and 'invalid' are 401s, 'expired' a 403 (as live tokens). */
  verify(token: string | undefined, cameraId: string, stream: string, now = Date.now()): PlaybackVerdict {
    if (!token) return { ok: false, reason: 'missing' };
    const m = TOKEN.exec(token);
    if (!m) return { ok: false, reason: 'invalid' };
    const [fromMs, toMs, exp] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const expected = Buffer.from(this.mac(cameraId, stream, fromMs, toMs, exp));
    const given = Buffer.from(m[4]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'invalid' };
    }
    if (exp * 1000 <= now) return { ok: false, reason: 'expired' };
    return { ok: true, grant: { fromMs, toMs, expMs: exp * 1000 } };
  }

  private mac(cameraId: string, stream: string, fromMs: number, toMs: number, exp: number): string {
    return createHmac('sha256', this.key)
      .update(`${cameraId}|${stream}|${fromMs}|${toMs}|${exp}`)
      .digest('base64url');
  }
}
