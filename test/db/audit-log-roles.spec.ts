import { Client, DatabaseError } from 'pg';
import { migrateDatabase } from '@xueliang/db';
import { createTestDatabase } from '../support/database';
import { ownerDatabaseUrl, TEST_APP_ROLE, TEST_PG_ADMIN_URL } from '../support/env';

/** The code PostgreSQL answers a refused statement with, or 'ok' when it ran. */
async function outcome(client: Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return error instanceof DatabaseError ? `${error.code}` : String(error);
  }
}

const INSERT_ENTRY = `INSERT INTO audit_log (actor_name, action, target_type) VALUES ('duty', 'test.append', 'test') RETURNING id`;

/**
 * The apps connect as a role that can append to the audit log and read it, and nothing more
 * there; the owner (migrations) is stopped by a trigger. Both enforced by PostgreSQL itself.
 */
describe('audit log roles', () => {
  let app: Client;
  let owner: Client;

  beforeAll(async () => {
    const url = await createTestDatabase();
    app = new Client({ connectionString: url });
    owner = new Client({ connectionString: ownerDatabaseUrl(new URL(url).pathname.slice(1)) });
    await Promise.all([app.connect(), owner.connect()]);
  });
  afterAll(async () => {
    await Promise.all([app?.end(), owner?.end()]);
  });

  it('runs the suites as the app role, not a superuser', async () => {
    const { rows } = await app.query<{ user: string; superuser: string }>(
      `SELECT current_user AS user, current_setting('is_superuser') AS superuser`,
    );
    expect(rows[0]).toEqual({ user: TEST_APP_ROLE.name, superuser: 'off' });
  });

  it('lets the app role append and read, and refuses UPDATE, DELETE and TRUNCATE', async () => {
    const inserted = await app.query<{ id: string }>(INSERT_ENTRY);
    const id = inserted.rows[0].id;
    const read = await app.query('SELECT action FROM audit_log WHERE id = $1', [id]);
    expect(read.rows).toEqual([{ action: 'test.append' }]);

    // 42501: insufficient_privilege.
    expect(await outcome(app, `UPDATE audit_log SET action = 'forged' WHERE id = ${id}`)).toBe('42501');
    expect(await outcome(app, `DELETE FROM audit_log WHERE id = ${id}`)).toBe('42501');
    expect(await outcome(app, 'TRUNCATE audit_log')).toBe('42501');
    // Nor can it switch the guard off or rewrite the migration history that installed it.
    expect(await outcome(app, 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')).toBe('42501');
    expect(await outcome(app, 'DELETE FROM migrations')).toBe('42501');

    const after = await owner.query('SELECT action FROM audit_log WHERE id = $1', [id]);
    expect(after.rows).toEqual([{ action: 'test.append' }]);
  });

  it('still lets the app role change the working tables, but not truncate them', async () => {
    expect(await outcome(app, `UPDATE regions SET name = name WHERE false`)).toBe('ok');
    expect(await outcome(app, `DELETE FROM alert_mutes WHERE false`)).toBe('ok');
    expect(await outcome(app, 'TRUNCATE alert_mutes')).toBe('42501');
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the owner too, by trigger', async () => {
    const { rows } = await owner.query<{ id: string }>(INSERT_ENTRY);
    const id = rows[0].id;
    for (const sql of [
      `UPDATE audit_log SET action = 'forged' WHERE id = ${id}`,
      `DELETE FROM audit_log WHERE id = ${id}`,
      'TRUNCATE audit_log',
    ]) {
      await expect(owner.query(sql)).rejects.toThrow(/audit_log is append-only/);
    }
    const after = await owner.query('SELECT action FROM audit_log WHERE id = $1', [id]);
    expect(after.rows).toEqual([{ action: 'test.append' }]);
  });

  it('leaves one explicit path for a migration: the owner disables the trigger in its transaction', async () => {
    const { rows } = await owner.query<{ id: string }>(INSERT_ENTRY);
    const id = rows[0].id;
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await owner.query(`UPDATE audit_log SET detail = '{"migrated":true}' WHERE id = ${id}`);
    await owner.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    await owner.query('COMMIT');
    const after = await owner.query('SELECT detail FROM audit_log WHERE id = $1', [id]);
    expect(after.rows).toEqual([{ detail: { migrated: true } }]);
    await expect(owner.query(`DELETE FROM audit_log WHERE id = ${id}`)).rejects.toThrow(/append-only/);
  });

  it('grants tables that later migrations create to the app role by default', async () => {
    await owner.query('CREATE TABLE later_feature (id BIGSERIAL PRIMARY KEY, note text)');
    await app.query(`INSERT INTO later_feature (note) VALUES ('x')`);
    const { rows } = await app.query('SELECT note FROM later_feature');
    expect(rows).toEqual([{ note: 'x' }]);
  });
});

/**
 * docker-compose: the migrate step connects as the owner (MIGRATION_DATABASE_URL) and the
 * apps' role named in DATABASE_URL does not exist yet; migrating creates and grants it.
 */
describe('migrating with an app role that does not exist yet', () => {
  const runId = process.env.XL_TEST_RUN_ID ?? 'x';
  const role = `xl_t_${runId}_app`;
  const database = `xl_t_${runId}_compose`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
  });

  it('creates the role with its password and grants it the apps’ privileges', async () => {
    const ownerUrl = new URL(TEST_PG_ADMIN_URL);
    ownerUrl.pathname = `/${database}`;
    const appUrl = new URL(ownerUrl);
    appUrl.username = role;
    appUrl.password = 'compose-app-password';
    expect(await migrateDatabase(ownerUrl.toString(), { appUrl: appUrl.toString() })).toBe('granted');
    // A second migrate (every `docker compose up`) finds the role and grants again.
    expect(await migrateDatabase(ownerUrl.toString(), { appUrl: appUrl.toString() })).toBe('granted');

    const { rows } = await admin.query<{ rolcanlogin: boolean; rolsuper: boolean; has_password: boolean }>(
      `SELECT rolcanlogin, rolsuper, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = $1`,
      [role],
    );
    expect(rows).toEqual([{ rolcanlogin: true, rolsuper: false, has_password: true }]);
    const app = new Client({ connectionString: appUrl.toString() });
    await app.connect();
    try {
      expect(await outcome(app, INSERT_ENTRY)).toBe('ok');
      expect(await outcome(app, 'SELECT count(*) FROM users')).toBe('ok');
      expect(await outcome(app, 'DELETE FROM audit_log')).toBe('42501');
    } finally {
      await app.end();
    }
  });

  it('leaves a single-role deploy (DATABASE_URL only) as it was', async () => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${database}`;
    expect(await migrateDatabase(url.toString(), { appUrl: url.toString() })).toBe('same-role');
  });
});
