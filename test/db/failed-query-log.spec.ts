import { createDataSource } from '@xueliang/db';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** A failed query is logged as its statement and the database's reason, never with its values. */
describe('failed queries in the log', () => {
  let db: DataSource;
  const logged: string[] = [];
  const capture = (...args: unknown[]): void => {
    logged.push(args.map(String).join(' '));
  };

  beforeAll(async () => {
    db = createDataSource({ url: await createTestDatabase(), poolSize: 2 });
    await db.initialize();
  });
  afterAll(() => db.destroy());
  beforeEach(() => {
    logged.length = 0;
    // Captures what the logger writes; PostgreSQL itself is real.
    for (const stream of ['log', 'info', 'warn', 'error'] as const) {
      jest.spyOn(console, stream).mockImplementation(capture);
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('a unique violation logs the INSERT but not the password hash it carried', async () => {
    const secret = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$SECRET-HASH-never-in-a-log';
    const [existing] = await db.query<{ username: string; region_id: string }[]>(
      'SELECT username, region_id FROM users ORDER BY username LIMIT 1',
    );
    await expect(
      db.query(
        `INSERT INTO users (username, display_name, password_hash, roles, region_id) VALUES ($1, $2, $3, $4, $5)`,
        [existing.username, '重复用户', secret, ['duty_officer'], existing.region_id],
      ),
    ).rejects.toThrow(/duplicate key/);
    const log = logged.join('\n');
    expect(log).toContain('INSERT INTO users (username, display_name, password_hash');
    expect(log).toContain('23505');
    expect(log).not.toContain('SECRET-HASH');
    expect(log).not.toContain(existing.username);
  });

  it('a value quoted in the database error message is left out too', async () => {
    const secret = 'not-a-number-SECRET-42';
    await expect(db.query('SELECT $1::int AS n', [secret])).rejects.toThrow();
    const log = logged.join('\n');
    expect(log).toContain('SELECT $1::int AS n');
    expect(log).toContain('invalid input syntax for type integer');
    expect(log).not.toContain('SECRET');
  });
});
