import { randomBytes } from 'node:crypto';
import { CredentialCipher } from './credential-cipher';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(randomBytes(32).toString('hex'));

  it('round-trips and never stores the plain text', () => {
    const sealed = cipher.encrypt('sim12345');
    expect(sealed).not.toContain('sim12345');
    expect(cipher.decrypt(sealed)).toBe('sim12345');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('x')).not.toBe(cipher.encrypt('x'));
  });

  it('refuses a tampered value and a wrong key', () => {
    const sealed = cipher.encrypt('secret');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other').toString('base64');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
    expect(() => new CredentialCipher(randomBytes(32).toString('hex')).decrypt(sealed)).toThrow();
  });

  it('rejects keys of the wrong size', () => {
    expect(() => new CredentialCipher('abcd')).toThrow(/32 bytes/);
  });
});
