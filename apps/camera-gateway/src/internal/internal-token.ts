import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The api and the gateways share JWT_SECRET; the internal token is derived from it so no second
 * secret has to be distributed, and a leaked internal token does not reveal the JWT key.
 * apps/api/src/live-video/gateway-client.ts derives the same value (tested against this one).
 */
export function internalToken(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('xueliang:camera-gateway:internal:v1').digest('base64url');
}

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

export function isInternalTokenValid(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
