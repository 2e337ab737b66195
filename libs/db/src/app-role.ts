import { Client } from 'pg';

/**
 * What the apps may do, granted by the owner (the role that runs migrations) to the role the
 * apps connect as: read and write the working tables, append to the audit log and nothing
 * more there, no DDL, no TRUNCATE, and no rewriting of the migration history.
 */
const GRANTS = (app: string): string[] => [
  `GRANT USAGE ON SCHEMA public TO ${app}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`,
  `REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${app}`,
  `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON "audit_log" FROM ${app}`,
  `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "migrations" FROM ${app}`,
  // Tables and sequences that later migrations create (as this owner) are granted the same way.
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
];

export type AppRoleOutcome = 'granted' | 'same-role';

function roleOf(url: string): { name: string; password: string } {
  const parsed = new URL(url);
  return { name: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}

/**
 * Gives the apps' role (the user of `appUrl`) its privileges on the database of `ownerUrl`,
 * connected as the owner; creates the role first when it does not exist (that needs CREATEROLE,
 * which the docker-compose owner has). When both URLs name the same user there is one role
 * and nothing to grant ('same-role'); the audit log's trigger still holds it append-only.
 * Roles are cluster-wide and several migrators may meet (parallel test runs): the create is
 * guarded and a concurrent create is not an error.
 */
export async function grantAppRole(ownerUrl: string, appUrl: string): Promise<AppRoleOutcome> {
  const owner = roleOf(ownerUrl);
  const app = roleOf(appUrl);
  if (!app.name || app.name === owner.name) return 'same-role';
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [app.name]);
    if (!exists.rowCount) await createLoginRole(client, app.name, app.password);
    const quoted = client.escapeIdentifier(app.name);
    await client.query('BEGIN');
    for (const statement of GRANTS(quoted)) await client.query(statement);
    await client.query('COMMIT');
    return 'granted';
  } catch (error) {
    // The first error is the one to report; a ROLLBACK on a broken connection adds nothing.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** CREATE ROLE … LOGIN unless it exists; tolerant of another session creating it meanwhile. */
export async function createLoginRole(client: Client, name: string, password: string): Promise<void> {
  const passwordClause = password ? ` PASSWORD ${client.escapeLiteral(password)}` : '';
  await client.query(`DO $create$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${client.escapeLiteral(name)}) THEN
    CREATE ROLE ${client.escapeIdentifier(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE${passwordClause};
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$create$`);
}
