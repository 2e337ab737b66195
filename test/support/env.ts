/** Where the integration tests find PostgreSQL and Redis (CI: the machine's own services). */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The roles the suites use, as production does: the owner runs migrations and the seed, the
 * apps and the suites connect as the app role, which cannot change the audit log. Roles are
 * cluster-wide, so every run (and every engineer's run on a shared server) uses the same two;
 * global-setup creates them when missing. Test-only passwords, for servers that ask for one.
 */
export const TEST_OWNER_ROLE = { name: 'xueliang_test_owner', password: 'xueliang-test-owner' };
export const TEST_APP_ROLE = { name: 'xueliang_test_app', password: 'xueliang-test-app' };

function urlFor(name: string, role?: { name: string; password: string }): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  if (role) {
    url.username = encodeURIComponent(role.name);
    url.password = encodeURIComponent(role.password);
  }
  return url.toString();
}

/** The apps' connection to database `name` (the app role). */
export function databaseUrl(name: string): string {
  return urlFor(name, TEST_APP_ROLE);
}

/** The owner's connection to database `name`: migrations and seeding. */
export function ownerDatabaseUrl(name: string): string {
  return urlFor(name, TEST_OWNER_ROLE);
}

/** Camera passwords in the template database are sealed with this key; testEnv() passes it on. */
export const TEST_CREDENTIAL_KEY = 'a1'.repeat(32);

/** Ed25519 key (PKCS8 DER, base64) exports are signed with in tests; testEnv() passes it on. */
export const TEST_EVIDENCE_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIN6rcZYb40ybgoRM0LzcY4koZZqbUoyd75tZEwZvZrzc';
