import 'reflect-metadata';
import { Client } from 'pg';
import { createLoginRole, migrateDatabase, seedDemoCounty } from '@xueliang/db';
import {
  TEST_APP_ROLE,
  TEST_CREDENTIAL_KEY,
  TEST_OWNER_ROLE,
  TEST_PG_ADMIN_URL,
  databaseUrl,
  ownerDatabaseUrl,
} from './env';

/**
 * Runs once per jest run: makes a migrated template database that each integration suite
 * clones (already seeded with the demo county; CREATE DATABASE … TEMPLATE is a file copy, far faster than migrating again), and a
 * run id that names every database and Redis prefix of this run so parallel runs never meet.
 * The template is owned and migrated by the owner role; the suites connect as the app role.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.XL_TEST_RUN_ID = runId;
  const template = `xl_t_${runId}_template`;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await dropStaleDatabases(admin);
    await createLoginRole(admin, TEST_OWNER_ROLE.name, TEST_OWNER_ROLE.password);
    await createLoginRole(admin, TEST_APP_ROLE.name, TEST_APP_ROLE.password);
    await admin.query(`CREATE DATABASE "${template}" OWNER "${TEST_OWNER_ROLE.name}"`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(ownerDatabaseUrl(template), { appUrl: databaseUrl(template) });
  // Every suite starts from the demo county (regions, units, users, SLA policies), no cameras.
  await seedDemoCounty({ databaseUrl: ownerDatabaseUrl(template), credentialKey: TEST_CREDENTIAL_KEY });
  process.env.XL_TEST_TEMPLATE_DB = template;
}

/** Databases left by runs that were killed more than a day ago. */
async function dropStaleDatabases(admin: Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'xl\\_t\\_%'`,
  );
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const { datname } of rows) {
    const stamp = parseInt(datname.split('_')[2]?.slice(0, 8) ?? '', 36);
    if (Number.isFinite(stamp) && stamp < dayAgo) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  }
}
