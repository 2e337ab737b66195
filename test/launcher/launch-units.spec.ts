import { statSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import {
  backoffDelay,
  createLinePrefixer,
  findFreePort,
  formatPrefix,
  isPortFree,
  loadOrCreateSecrets,
  RedisUnavailableError,
  resolveFfmpeg,
  resolveRedis,
  resolveVarDir,
  secretsFile,
} from '../../apps/launcher/src/launch';
import { parseCameraCount } from '../../apps/launcher/src/seed';
import { stackEnv } from '../../apps/launcher/src/stack-env';
import { loadEvidenceKey } from '@xueliang/platform';
import { TEST_EVIDENCE_SIGNING_KEY } from '../support/env';
import { removeDir, tempVarDir } from './helpers';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('free-port finder', () => {
  it('returns the preferred port when it is free', async () => {
    const base = await findFreePort(42000);
    expect(await findFreePort(base)).toBe(base);
  });

  it('skips a taken port', async () => {
    const base = await findFreePort(43000);
    const server = await listen(base);
    try {
      expect(await isPortFree(base)).toBe(false);
      const found = await findFreePort(base);
      expect(found).not.toBe(base);
      expect(await isPortFree(found)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('falls back to an OS-assigned port when the whole range is taken', async () => {
    const base = await findFreePort(44000);
    const server = await listen(base);
    try {
      const found = await findFreePort(base, '127.0.0.1', 1);
      expect(found).not.toBe(base);
      expect(found).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe('redis resolution', () => {
  it('uses REDIS_URL without looking for a server', async () => {
    const which = jest.fn();
    const handle = await resolveRedis({
      env: { REDIS_URL: 'redis://example:6379' },
      varDir: '/nonexistent',
      which,
      password: 'p',
    });
    expect(handle).toMatchObject({ url: 'redis://example:6379', private: false });
    expect(which).not.toHaveBeenCalled();
    await handle.stop();
  });

  it('explains how to get Redis when there is no REDIS_URL and no redis-server', async () => {
    const which = jest.fn().mockReturnValue(undefined);
    const attempt = resolveRedis({ env: {}, varDir: '/nonexistent', which, password: 'p' });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server/);
    await expect(attempt).rejects.toThrow(/REDIS_URL=redis:\/\//);
    expect(which).toHaveBeenCalledWith('redis-server');
  });
});

describe('ffmpeg resolution', () => {
  const installer = () => '/npm/ffmpeg';

  it('prefers FFMPEG_PATH', () => {
    const which = jest.fn().mockReturnValue('/usr/bin/ffmpeg');
    expect(resolveFfmpeg({ env: { FFMPEG_PATH: '/opt/ffmpeg' }, which, installerPath: installer })).toEqual({
      path: '/opt/ffmpeg',
      source: 'FFMPEG_PATH',
    });
  });

  it('then the ffmpeg on PATH', () => {
    const which = jest.fn().mockReturnValue('/usr/bin/ffmpeg');
    expect(resolveFfmpeg({ env: {}, which, installerPath: installer })).toEqual({
      path: '/usr/bin/ffmpeg',
      source: 'PATH',
    });
  });

  it('then the npm-bundled one', () => {
    expect(resolveFfmpeg({ env: {}, which: () => undefined, installerPath: installer })).toEqual({
      path: '/npm/ffmpeg',
      source: '@ffmpeg-installer/ffmpeg',
    });
  });

  it('says what to do when there is none', () => {
    expect(() => resolveFfmpeg({ env: {}, which: () => undefined, installerPath: () => undefined })).toThrow(
      /FFMPEG_PATH/,
    );
  });
});

describe('line prefixer', () => {
  it('prefixes whole lines and holds a partial line until it completes', () => {
    const lines: string[] = [];
    const prefixer = createLinePrefixer('api', lines.push.bind(lines));
    prefixer.push('first line\nsecond ');
    expect(lines).toEqual(['api        | first line']);
    prefixer.push(Buffer.from('half\r\nthird'));
    expect(lines).toEqual(['api        | first line', 'api        | second half']);
    prefixer.flush();
    expect(lines[2]).toBe('api        | third');
  });

  it('colours the prefix only when asked', () => {
    expect(formatPrefix('redis')).toBe('redis      | ');
    expect(formatPrefix('redis', { colour: true, colourIndex: 0 })).toBe('\u001b[36mredis      | \u001b[0m');
  });
});

describe('restart backoff', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((n) => backoffDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });
});

describe('secrets', () => {
  let dir: string;
  beforeEach(() => (dir = tempVarDir('secrets')));
  afterEach(() => removeDir(dir));

  it('generates them once into a 0600 file and reuses them', () => {
    const first = loadOrCreateSecrets(dir, {});
    expect(first.JWT_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(first.CREDENTIAL_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(loadEvidenceKey(first.EVIDENCE_SIGNING_KEY).keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(secretsFile(dir)).mode & 0o777).toBe(0o600);
    const before = readFileSync(secretsFile(dir), 'utf8');
    expect(loadOrCreateSecrets(dir, {})).toEqual(first);
    expect(readFileSync(secretsFile(dir), 'utf8')).toBe(before);
  });

  it('lets the environment win without writing its values to the file', () => {
    const secrets = loadOrCreateSecrets(dir, { JWT_SECRET: 'from-the-environment-0123456789' });
    expect(secrets.JWT_SECRET).toBe('from-the-environment-0123456789');
    expect(readFileSync(secretsFile(dir), 'utf8')).not.toContain('from-the-environment');
  });

  it('fills in a key missing from an older file and keeps the others', () => {
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ JWT_SECRET: 'kept-secret-kept-secret' }));
    const secrets = loadOrCreateSecrets(dir, {});
    expect(secrets.JWT_SECRET).toBe('kept-secret-kept-secret');
    expect(secrets.POSTGRES_PASSWORD.length).toBeGreaterThan(10);
  });

  it('generates distinct passwords for the owner and app roles and the private redis', () => {
    const secrets = loadOrCreateSecrets(dir, {});
    const passwords = [
      secrets.POSTGRES_PASSWORD,
      secrets.POSTGRES_OWNER_PASSWORD,
      secrets.POSTGRES_APP_PASSWORD,
      secrets.REDIS_PASSWORD,
    ];
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(new Set(passwords).size).toBe(4);
  });
});

describe('launcher settings', () => {
  it('puts var/ where XL_VAR_DIR says, else ./var', () => {
    expect(resolveVarDir({ XL_VAR_DIR: '/data/xl' }, '/repo')).toBe('/data/xl');
    expect(resolveVarDir({}, '/repo')).toBe('/repo/var');
  });

  it('parses --cameras for the seed', () => {
    expect(parseCameraCount(['--cameras', '5000'])).toBe(5000);
    expect(parseCameraCount(['--cameras=12'])).toBe(12);
    expect(parseCameraCount([])).toBeUndefined();
    expect(() => parseCameraCount(['--cameras', 'many'])).toThrow(/whole number/);
  });

  it('records the demo: continuous sub stream under the state directory, unless the env says otherwise', () => {
    const input = {
      databaseUrl: 'postgres://postgres@127.0.0.1:54329/xueliang',
      redisUrl: 'redis://127.0.0.1:6380',
      ffmpegPath: '/usr/bin/ffmpeg',
      secrets: {
        JWT_SECRET: 'j'.repeat(64),
        CREDENTIAL_KEY: 'c'.repeat(64),
        EVIDENCE_SIGNING_KEY: TEST_EVIDENCE_SIGNING_KEY,
      },
      repoRoot: '/repo',
    };
    expect(stackEnv({ ...input, env: {} })).toMatchObject({
      RECORDING_DEFAULT_MODE: 'continuous',
      RECORDING_DEFAULT_STREAM: 'sub',
      RECORDINGS_DIR: '/repo/var/recordings',
      EXPORTS_DIR: '/repo/var/exports',
    });
    expect(stackEnv({ ...input, varDir: '/state', env: { RECORDING_DEFAULT_MODE: 'off' } })).toMatchObject({
      RECORDING_DEFAULT_MODE: 'off',
      RECORDINGS_DIR: '/state/recordings',
    });
  });

  it('gives children every setting explicitly, with the resolved services', () => {
    const env = stackEnv({
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:54329/xueliang',
      redisUrl: 'redis://127.0.0.1:6380',
      ffmpegPath: '/usr/bin/ffmpeg',
      secrets: {
        JWT_SECRET: 'j'.repeat(64),
        CREDENTIAL_KEY: 'c'.repeat(64),
        EVIDENCE_SIGNING_KEY: TEST_EVIDENCE_SIGNING_KEY,
      },
      repoRoot: '/repo',
      env: { PATH: '/usr/bin' },
    });
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:54329/xueliang',
      REDIS_URL: 'redis://127.0.0.1:6380',
      REDIS_PREFIX: 'xl',
      FFMPEG_PATH: '/usr/bin/ffmpeg',
      JWT_SECRET: 'j'.repeat(64),
      CREDENTIAL_KEY: 'c'.repeat(64),
      EVIDENCE_SIGNING_KEY: TEST_EVIDENCE_SIGNING_KEY,
      API_PORT: '3000',
      GATEWAY_URL: 'http://127.0.0.1:3020',
      SIM_PORT: '3030',
      CONSOLE_DIST: '/repo/dist/console',
    });
  });
});
