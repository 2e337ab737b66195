import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  EmbeddedPostgres,
  findFreePort,
  pingRedis,
  resolveDatabase,
  ServiceWatchdog,
  startPrivateRedis,
  whichOnPath,
} from '@xueliang/platform';
import { isAlive, listProcesses, removeDir, tempVarDir, waitUntil } from './helpers';

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

  maybe('killed with SIGKILL, it is restarted on the same port and the log says so', async () => {
    const lines: string[] = [];
    const port = await findFreePort(46390);
    const sink = (l: string): number => lines.push(l);
    const redis = await startPrivateRedis({ binary: redisServer!, varDir: dir, port, sink });
    const watchdog = new ServiceWatchdog('redis', watched(redis), { sink, initialBackoffMs: 100 });
    const first = redis.pid!;
    try {
      process.kill(first, 'SIGKILL');
      await waitUntil(
        () => lines.some((l) => l.includes('redis: restarted')),
        20000,
        `a restart:\n${lines.join('\n')}`,
      );
      expect(redis.pid).not.toBe(first);
      expect(await pingRedis(port)).toBe(true);
      expect(lines).toContain('launcher   | redis: stopped unexpectedly: exited with SIGKILL');
      expect(lines).toContain('launcher   | redis: restarting in 0.1 s (restart 1/10)');
    } finally {
      await watchdog.stop();
      await redis.stop();
    }
    // Stopped by us, it stays stopped.
    expect(isAlive(first)).toBe(false);
    expect(await pingRedis(port)).toBe(false);
    expect(lines.filter((l) => l.includes('redis: restarted'))).toHaveLength(1);
  });
});

/** A handle as the launcher hands it to its watchdog. */
function watched(handle: { exited?(): Promise<string>; restart?(): Promise<void>; readonly pid?: number }) {
  return {
    exited: () => handle.exited!(),
    restart: () => handle.restart!(),
    get pid() {
      return handle.pid;
    },
  };
}

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

  it('killed with SIGKILL, it is restarted on the same port with its data, and the log says so', async () => {
    const lines: string[] = [];
    const sink = (l: string): number => lines.push(l);
    const db = await resolveDatabase({ env: {}, varDir: dir, password: 'p', sink });
    const watchdog = new ServiceWatchdog('postgres', watched(db), { sink, initialBackoffMs: 100 });
    const query = async (sql: string): Promise<unknown[]> => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    try {
      await query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      const first = db.pid!;
      process.kill(first, 'SIGKILL');
      await waitUntil(
        () => lines.some((l) => l.includes('postgres: restarted')),
        60000,
        `a restart:\n${lines.join('\n')}`,
      );
      expect(db.pid).not.toBe(first);
      expect(await query('SELECT n FROM kept')).toEqual([{ n: 42 }]);
      expect(lines).toContain('launcher   | postgres: stopped unexpectedly: postgres exited (SIGKILL)');
    } finally {
      await watchdog.stop();
      await db.stop();
    }
    expect(postgresProcessesIn(join(dir, 'postgres'))).toEqual([]);
  });
});
