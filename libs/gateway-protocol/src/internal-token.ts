import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The api and the gateways share JWT_SECRET; the internal token is derived from it so no second
 * secret has to be distributed, and a leaked internal token does not reveal the JWT key.
 * Both sides call this one function, so they cannot drift apart.
 */
export function internalToken(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('xueliang:camera-gateway:internal:v1').digest('base64url');
}

/** The header the api sends the internal token in; the gateway's guard reads it. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

export function isInternalTokenValid(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
