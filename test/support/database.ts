import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  TEST_CREDENTIAL_KEY,
  TEST_EVIDENCE_SIGNING_KEY,
  TEST_OWNER_ROLE,
  TEST_PG_ADMIN_URL,
  TEST_REDIS_URL,
  databaseUrl,
} from './env';

/**
 * A fresh, migrated database of its own for one test suite, cloned from the run's template,
 * owned by the owner role; the URL returned connects as the app role, like the apps in
 * production. Dropped by the global teardown.
 */
export async function createTestDatabase(): Promise<string> {
  const runId = process.env.XL_TEST_RUN_ID;
  const template = process.env.XL_TEST_TEMPLATE_DB;
  if (!runId || !template) throw new Error('test/support/global-setup.ts did not run');
  const name = `xl_t_${runId}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" OWNER "${TEST_OWNER_ROLE.name}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/** A Redis key prefix of its own for one test suite (queues, pub/sub, leases). */
export function createTestRedisPrefix(): string {
  return `xlt-${process.env.XL_TEST_RUN_ID ?? 'x'}-${randomBytes(3).toString('hex')}`;
}

export { TEST_REDIS_URL };

/** The environment an app under test reads through loadConfig(). */
export function testEnv(databaseUrlValue: string, redisPrefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrlValue,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: 'test-secret-that-is-long-enough',
    CREDENTIAL_KEY: TEST_CREDENTIAL_KEY,
    EVIDENCE_SIGNING_KEY: TEST_EVIDENCE_SIGNING_KEY,
    LOG_LEVEL: 'warn',
  };
}
