import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import {
  EmbeddedPostgres,
  findFreePort,
  pingRedis,
  resolveDatabase,
  ServiceWatchdog,
  startPrivateRedis,
  whichOnPath,
} from '../../apps/launcher/src/launch';
import { migrateDatabase } from '@xueliang/db';
import { isAlive, listProcesses, removeDir, tempVarDir } from './helpers';
import { until } from '../support/wait';

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
      password: 'redis-secret',
      sink: (l) => lines.push(l),
    });
    const pid = redis.pid!;
    try {
      expect(redis.url).toBe(`redis://:redis-secret@127.0.0.1:${port}`);
      expect(await pingRedis(port, '127.0.0.1', 1000, 'redis-secret')).toBe(true);
      expect(existsSync(join(dir, 'redis', 'appendonlydir'))).toBe(true);
      expect(lines.some((l) => l.startsWith('redis      | '))).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await pingRedis(port, '127.0.0.1', 1000, 'redis-secret')).toBe(false);
  });

  /** Every file under `root` with its mode, e.g. ['redis/appendonlydir/x.aof', 0o600]. */
  const modes = (root: string): [string, number][] => {
    const out: [string, number][] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, e.name);
        out.push([path.slice(root.length + 1), statSync(path).mode & 0o777]);
        if (e.isDirectory()) walk(path);
      }
    };
    walk(root);
    return out;
  };

  maybe('asks for its password, keeps it off the command line, and keeps its files private', async () => {
    const port = await findFreePort(46390);
    const redis = await startPrivateRedis({
      binary: redisServer!,
      varDir: dir,
      port,
      password: 'redis-secret',
      sink: () => undefined,
    });
    try {
      expect(await pingRedis(port)).toBe(false);
      expect(await pingRedis(port, '127.0.0.1', 1000, 'wrong')).toBe(false);
      const client = new IORedis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await client.connect();
        await client.set('xl-private-probe', 'duty');
        expect(await client.get('xl-private-probe')).toBe('duty');
      } finally {
        client.disconnect();
      }
      const cmdline = readFileSync(`/proc/${redis.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain('redis-secret');
      expect(statSync(join(dir, 'redis')).mode & 0o777).toBe(0o700);
      const files = modes(join(dir, 'redis'));
      expect(files.some(([p]) => p.endsWith('.aof'))).toBe(true);
      for (const [path, mode] of files) {
        expect([path, mode]).toEqual([
          path,
          statSync(join(dir, 'redis', path)).isDirectory() ? 0o700 : 0o600,
        ]);
      }
    } finally {
      await redis.stop();
    }
  });

  maybe('killed with SIGKILL, it is restarted on the same port and the log says so', async () => {
    const lines: string[] = [];
    const port = await findFreePort(46390);
    const sink = (l: string): number => lines.push(l);
    const redis = await startPrivateRedis({
      binary: redisServer!,
      varDir: dir,
      port,
      password: 'redis-secret',
      sink,
    });
    const watchdog = new ServiceWatchdog('redis', watched(redis), { sink, initialBackoffMs: 100 });
    const first = redis.pid!;
    try {
      process.kill(first, 'SIGKILL');
      await until(
        `a restart:\n${lines.join('\n')}`,
        () => lines.some((l) => l.includes('redis: restarted')),
        20000,
      );
      expect(redis.pid).not.toBe(first);
      expect(await pingRedis(port, '127.0.0.1', 1000, 'redis-secret')).toBe(true);
      expect(lines).toContain('launcher   | redis: stopped unexpectedly: exited with SIGKILL');
      expect(lines).toContain('launcher   | redis: restarting in 0.1 s (restart 1/10)');
    } finally {
      await watchdog.stop();
      await redis.stop();
    }
    // Stopped by us, it stays stopped.
    expect(isAlive(first)).toBe(false);
    expect(await pingRedis(port, '127.0.0.1', 1000, 'redis-secret')).toBe(false);
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

  const rolePasswords = { owner: 'owner/pass:word', app: 'app-password' };

  it('hands what an older launcher made as the superuser over to the owner role', async () => {
    const pg = new EmbeddedPostgres({
      dataDir: join(dir, 'postgres'),
      password: 'su',
      sink: () => undefined,
    });
    await pg.initialise();
    await pg.start(await findFreePort(45442));
    try {
      await pg.ensureDatabase('xueliang');
      const su = new Client({ connectionString: pg.url('xueliang') });
      await su.connect();
      await su.query('CREATE TABLE legacy_trail (id BIGSERIAL PRIMARY KEY, note text)');
      await pg.ensureRoles(rolePasswords);
      await pg.ensureRoles(rolePasswords); // idempotent
      const { rows } = await su.query<{ relname: string; owner: string }>(
        `SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname LIKE 'legacy_trail%' ORDER BY relname`,
      );
      await su.end();
      expect(rows).toEqual([
        { relname: 'legacy_trail', owner: 'xueliang_owner' },
        { relname: 'legacy_trail_id_seq', owner: 'xueliang_owner' },
        { relname: 'legacy_trail_pkey', owner: 'xueliang_owner' },
      ]);
      const owner = new Client({
        connectionString: pg.url('xueliang', { name: 'xueliang_owner', password: rolePasswords.owner }),
      });
      await owner.connect();
      await owner.query('ALTER TABLE legacy_trail ADD COLUMN at timestamptz');
      await owner.end();
    } finally {
      await pg.stop();
    }
  });

  it('resolveDatabase starts it when DATABASE_URL is unset, and uses DATABASE_URL when set', async () => {
    const given = await resolveDatabase({
      env: { DATABASE_URL: 'postgres://x@h/db' },
      varDir: dir,
      password: 'p',
      rolePasswords,
    });
    expect(given).toMatchObject({
      url: 'postgres://x@h/db',
      migrationUrl: 'postgres://x@h/db',
      source: 'env',
    });
    const split = await resolveDatabase({
      env: { DATABASE_URL: 'postgres://app@h/db', MIGRATION_DATABASE_URL: 'postgres://owner@h/db' },
      varDir: dir,
      password: 'p',
      rolePasswords,
    });
    expect(split).toMatchObject({ url: 'postgres://app@h/db', migrationUrl: 'postgres://owner@h/db' });

    const db = await resolveDatabase({
      env: {},
      varDir: dir,
      password: 'secret/with:chars',
      rolePasswords,
      sink: () => undefined,
    });
    try {
      expect(db.source).toBe('embedded');
      // The apps connect as the app role, migrations as the owner; neither is a superuser.
      expect(db.url).toMatch(/^postgres:\/\/xueliang_app:app-password@127\.0\.0\.1:\d+\/xueliang$/);
      expect(db.migrationUrl).toMatch(
        /^postgres:\/\/xueliang_owner:owner%2Fpass%3Aword@127\.0\.0\.1:\d+\/xueliang$/,
      );
      for (const url of [db.url, db.migrationUrl]) {
        const client = new Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ su: string }>(`SELECT current_setting('is_superuser') AS su`);
        await client.end();
        expect(rows[0].su).toBe('off');
      }
      // The owner migrates and the app role cannot change the audit log.
      await migrateDatabase(db.migrationUrl, { appUrl: db.url });
      const app = new Client({ connectionString: db.url });
      await app.connect();
      try {
        await app.query(`INSERT INTO audit_log (actor_name, action, target_type) VALUES ('t', 't', 't')`);
        await expect(app.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
      } finally {
        await app.end();
      }

      // A second resolver (npm run migrate while the stack runs) uses the running server and leaves it up.
      const again = await resolveDatabase({
        env: {},
        varDir: dir,
        password: 'secret/with:chars',
        rolePasswords,
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
    const db = await resolveDatabase({ env: {}, varDir: dir, password: 'p', rolePasswords, sink });
    const watchdog = new ServiceWatchdog('postgres', watched(db), { sink, initialBackoffMs: 100 });
    const query = async (sql: string): Promise<unknown[]> => {
      // The owner role: the app role may not create tables.
      const client = new Client({ connectionString: db.migrationUrl ?? db.url });
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
      await until(
        `a restart:\n${lines.join('\n')}`,
        () => lines.some((l) => l.includes('postgres: restarted')),
        60000,
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
