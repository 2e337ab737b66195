import { Client } from 'pg';

/**
 * The roles of the launcher's own database: who owns the schema and who the apps connect as
 * (docs/ARCHITECTURE.md). Kept apart from the process control in postgres.ts.
 */
export const DATABASE_NAME = 'xueliang';
/** Owns the database and its schema: runs migrations and the seed. Not a superuser. */
export const OWNER_ROLE = 'xueliang_owner';
/** What the apps connect as: read/write the working tables, append-only on the audit log. */
export const APP_ROLE = 'xueliang_app';

export interface DatabaseRolePasswords {
  owner: string;
  app: string;
}

/**
 * The owner and app roles (created, or their passwords set to `passwords` from
 * var/secrets.json), the database handed to the owner, and whatever an older launcher made
 * as the superuser in its schema handed over too, so the owner can migrate it. Privileges of
 * the app role are granted by the owner after migrating (libs/db grantAppRole).
 */
export async function ensureRoles(
  connect: (database: string) => Client,
  passwords: DatabaseRolePasswords,
  name = DATABASE_NAME,
): Promise<void> {
  const admin = connect('postgres');
  await admin.connect();
  try {
    // The server prints a failed statement to its log, which the launcher shows: not these.
    await admin.query('SET log_min_error_statement = panic');
    for (const [role, password] of [
      [OWNER_ROLE, passwords.owner],
      [APP_ROLE, passwords.app],
    ] as const) {
      const quoted = admin.escapeIdentifier(role);
      await admin.query(`DO $create$
BEGIN
IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${admin.escapeLiteral(role)}) THEN
  CREATE ROLE ${quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$create$`);
      await admin.query(`ALTER ROLE ${quoted} PASSWORD ${admin.escapeLiteral(password)}`);
    }
    await admin.query(
      `ALTER DATABASE ${admin.escapeIdentifier(name)} OWNER TO ${admin.escapeIdentifier(OWNER_ROLE)}`,
    );
  } finally {
    await admin.end();
  }
  const db = connect(name);
  await db.connect();
  try {
    // Tables first: their serial sequences and indexes follow them; then stray sequences.
    await db.query(`DO $adopt$
DECLARE r record;
BEGIN
FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> ${db.escapeLiteral(OWNER_ROLE)}::regrole
LOOP
  EXECUTE format('ALTER %s %s OWNER TO ${OWNER_ROLE}',
    CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.rel);
END LOOP;
FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> ${db.escapeLiteral(OWNER_ROLE)}::regrole
LOOP
  EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER_ROLE}', r.rel);
END LOOP;
END
$adopt$`);
  } finally {
    await db.end();
  }
}
