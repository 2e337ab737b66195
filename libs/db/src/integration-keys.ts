import { createHash, randomBytes } from 'node:crypto';

/** Key prefix length: enough to find the row, too short to matter if shown. */
export const KEY_PREFIX_LENGTH = 12;

/** A new integration API key; it is shown once and only its prefix and hash are stored. */
export function newIntegrationKey(): string {
  return `xl_${randomBytes(24).toString('base64url')}`;
}

export function hashIntegrationKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What the integration_keys table keeps of a key. */
export function storedKeyParts(key: string): { prefix: string; keyHash: string } {
  return { prefix: key.slice(0, KEY_PREFIX_LENGTH), keyHash: hashIntegrationKey(key) };
}
