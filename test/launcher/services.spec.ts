import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  EmbeddedPostgres,
  findFreePort,
  pingRedis,
  resolveDatabase,
  startPrivateRedis,
  whichOnPath,
} from '@xueliang/platform';
import { isAlive, listProcesses, removeDir, tempVarDir } from './helpers';

/** Real redis-server and PostgreSQL processes, started and stopped by the launcher's code. */
describe('private redis-server', () => {
  const redisServer = whichOnPath()('redis-server');
  const maybe = redisServer ? it : it.skip;
  let dir: string;
  beforeEach(() => (dir = tempVarDir('redis')));
  afterEach(() => removeDir(dir));

  maybe('starts on a free port with its AOF in var/redis and leaves no process after stop', async () => {
    const lines: string[] = [];
    const port = await findFreePort(46380);
    const redis = await startPrivateRedis({
      binary: redisServer!,
      varDir: dir,
      port,
      sink: (l) => lines.push(l),
    });
    const pid = redis.pid!;
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
      expect(await pingRedis(port)).toBe(true);
      expect(existsSync(join(dir, 'redis', 'appendonlydir'))).toBe(true);
      expect(lines.some((l) => l.startsWith('redis      | '))).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await pingRedis(port)).toBe(false);
  });
});

describe('embedded PostgreSQL', () => {
  let dir: string;
  beforeEach(() => (dir = tempVarDir('pg')));
  afterEach(() => removeDir(dir));

  const postgresProcessesIn = (dataDir: string) => listProcesses().filter((p) => p.cmdline.includes(dataDir));

  it('initialises once, serves connections, and leaves no process after stop', async () => {
    const dataDir = join(dir, 'postgres');
    const pg = new EmbeddedPostgres({ dataDir, password: 'test-password', sink: () => undefined });
    expect(await pg.initialise()).toBe(true);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await pg.initialise()).toBe(false);

    const port = await pg.start(await findFreePort(45432));
    const postmaster = pg.runningPostmaster();
    expect(postmaster?.port).toBe(port);
    try {
      expect(await pg.ensureDatabase('xueliang')).toBe(true);
      expect(await pg.ensureDatabase('xueliang')).toBe(false);
      const client = new Client({ connectionString: pg.url('xueliang') });
      await client.connect();
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      await client.end();
      expect(rows[0].db).toBe('xueliang');
    } finally {
      await pg.stop();
    }
    expect(isAlive(postmaster!.pid)).toBe(false);
    expect(postgresProcessesIn(dataDir)).toEqual([]);
  });

  it('resolveDatabase starts it when DATABASE_URL is unset, and uses DATABASE_URL when set', async () => {
    const given = await resolveDatabase({
      env: { DATABASE_URL: 'postgres://x@h/db' },
      varDir: dir,
      password: 'p',
    });
    expect(given).toMatchObject({ url: 'postgres://x@h/db', source: 'env' });

    const db = await resolveDatabase({
      env: {},
      varDir: dir,
      password: 'secret/with:chars',
      sink: () => undefined,
    });
    try {
      expect(db.source).toBe('embedded');
      expect(db.url).toMatch(/^postgres:\/\/postgres:secret%2Fwith%3Achars@127\.0\.0\.1:\d+\/xueliang$/);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query('SELECT 1');
      await client.end();

      // A second resolver (npm run migrate while the stack runs) uses the running server and leaves it up.
      const again = await resolveDatabase({
        env: {},
        varDir: dir,
        password: 'secret/with:chars',
        sink: () => undefined,
      });
      expect(again.source).toBe('adopted');
      expect(again.url).toBe(db.url);
      await again.stop();
      expect(postgresProcessesIn(join(dir, 'postgres')).length).toBeGreaterThan(0);
    } finally {
      await db.stop();
    }
    expect(postgresProcessesIn(join(dir, 'postgres'))).toEqual([]);
  });
});
