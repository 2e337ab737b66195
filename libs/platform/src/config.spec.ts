import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, DEVELOPMENT_EVIDENCE_SIGNING_KEY, loadConfig } from './config';

const KEY = 'a1'.repeat(32);
const EVIDENCE_KEY = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'der' })
  .toString('base64');
const SECRET = 'a-real-production-secret-0123456789';

describe('loadConfig', () => {
  describe('NODE_ENV=production refuses development secrets', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      CREDENTIAL_KEY: KEY,
      EVIDENCE_SIGNING_KEY: EVIDENCE_KEY,
    };

    it('starts with real secrets', () => {
      expect(loadConfig(production).JWT_SECRET).toBe(SECRET);
    });

    it.each([
      ['a missing JWT secret', { JWT_SECRET: undefined }, /JWT_SECRET is not set/],
      [
        'the development JWT secret',
        { JWT_SECRET: 'dev-only-jwt-secret-change-me' },
        /JWT_SECRET is the development default/,
      ],
      ['a missing credential key', { CREDENTIAL_KEY: undefined }, /CREDENTIAL_KEY is not set/],
      ['an all-zero hex credential key', { CREDENTIAL_KEY: '0'.repeat(64) }, /CREDENTIAL_KEY is all zeros/],
      [
        'an all-zero base64 credential key',
        { CREDENTIAL_KEY: Buffer.alloc(32).toString('base64') },
        /CREDENTIAL_KEY is all zeros/,
      ],
      ['a missing evidence key', { EVIDENCE_SIGNING_KEY: undefined }, /EVIDENCE_SIGNING_KEY is not set/],
      [
        'the development evidence key',
        { EVIDENCE_SIGNING_KEY: DEVELOPMENT_EVIDENCE_SIGNING_KEY },
        /EVIDENCE_SIGNING_KEY is the development default/,
      ],
    ])('refuses %s, naming the setting', (_case, change, message) => {
      expect(() => loadConfig({ ...production, ...change })).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, ...change })).toThrow(message);
    });

    it('names every bad setting at once', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
        /JWT_SECRET is not set; CREDENTIAL_KEY is not set; EVIDENCE_SIGNING_KEY is not set/,
      );
    });

    it('refuses an evidence key that is not Ed25519, naming the setting', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      expect(() => loadConfig({ EVIDENCE_SIGNING_KEY: rsa })).toThrow(/EVIDENCE_SIGNING_KEY/);
      expect(() => loadConfig({ EVIDENCE_SIGNING_KEY: 'not a key' })).toThrow(/EVIDENCE_SIGNING_KEY/);
    });

    it('development keeps its defaults so `npm start` and tests work', () => {
      const config = loadConfig({ NODE_ENV: 'development' });
      expect(config.JWT_SECRET).toBe('dev-only-jwt-secret-change-me');
    });
  });

  describe('TRUSTED_PROXIES', () => {
    it('trusts no proxy by default', () => {
      expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    });

    it('takes addresses, CIDRs and proxy-addr names', () => {
      expect(
        loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,loopback,fd00::/8' }).TRUSTED_PROXIES,
      ).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback', 'fd00::/8']);
    });

    it.each(['proxy.example.org', '10.0.0.0/33', '10.0.0.1/8/8', 'any'])('refuses %s', (value) => {
      expect(() => loadConfig({ TRUSTED_PROXIES: value })).toThrow(/TRUSTED_PROXIES/);
    });
  });

  describe('CONSOLE_ORIGINS', () => {
    it('lists none by default (the api origin is always allowed)', () => {
      expect(loadConfig({}).CONSOLE_ORIGINS).toEqual([]);
    });

    it('takes origins', () => {
      expect(
        loadConfig({ CONSOLE_ORIGINS: 'https://console.example.org, http://10.1.2.3:8080' }).CONSOLE_ORIGINS,
      ).toEqual(['https://console.example.org', 'http://10.1.2.3:8080']);
    });

    it.each(['*', 'console.example.org', 'https://console.example.org/path', 'ftp://x.org'])(
      'refuses %s',
      (value) => {
        expect(() => loadConfig({ CONSOLE_ORIGINS: value })).toThrow(/CONSOLE_ORIGINS/);
      },
    );
  });

  describe('alert-service workers (read by its main as they were before they joined the schema)', () => {
    it('defaults to 8 jobs at once, a 30 s lock and a 30 s sweep', () => {
      expect(loadConfig({})).toMatchObject({
        ALERT_WORKER_CONCURRENCY: 8,
        ALERT_WORKER_LOCK_MS: 30_000,
        SLA_SWEEP_SECONDS: 30,
      });
    });

    it('takes values in range', () => {
      const config = loadConfig({
        ALERT_WORKER_CONCURRENCY: '3',
        ALERT_WORKER_LOCK_MS: '1000',
        SLA_SWEEP_SECONDS: '1.5',
      });
      expect(config).toMatchObject({
        ALERT_WORKER_CONCURRENCY: 3,
        ALERT_WORKER_LOCK_MS: 1000,
        SLA_SWEEP_SECONDS: 1.5,
      });
    });

    it.each([
      ['ALERT_WORKER_CONCURRENCY', ['0', '-2', '2.5', 'many', ''], 8],
      ['ALERT_WORKER_LOCK_MS', ['999', '1500.5', 'long', ''], 30_000],
      ['SLA_SWEEP_SECONDS', ['0.5', '0', 'Infinity', 'often', ''], 30],
    ] as const)(
      '%s out of range falls back to its default instead of stopping the service',
      (key, values, fallback) => {
        for (const value of values) expect(loadConfig({ [key]: value })[key]).toBe(fallback);
      },
    );
  });
});
