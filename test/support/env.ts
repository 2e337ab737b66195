/** Where the integration tests find PostgreSQL and Redis (CI: the machine's own services). */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Camera passwords in the template database are sealed with this key; testEnv() passes it on. */
export const TEST_CREDENTIAL_KEY = 'a1'.repeat(32);
