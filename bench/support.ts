import { Client } from 'pg';
import type { LoginResponse } from '@xueliang/contracts';

/**
 * Pieces the benches share: a throw-away database per run, quantiles over raw samples and an api
 * login. Each bench still drops its own database (some keep it on request).
 */

/** Creates `dbName` through the admin connection; returns that connection (for the drop) and the new database's URL. */
export async function createBenchDatabase(
  adminUrl: string,
  dbName: string,
): Promise<{ admin: Client; databaseUrl: string }> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return { admin, databaseUrl: url.toString() };
}

/** The nearest-rank `q` quantile of unsorted samples; NaN when there are none. */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Logs a demo user (password xueliang) in at the api and returns the access token. */
export async function loginToken(apiUrl: string, username: string): Promise<string> {
  const res = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'xueliang' }),
  });
  const { accessToken } = (await res.json()) as LoginResponse;
  return accessToken;
}
