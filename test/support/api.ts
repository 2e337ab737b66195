import type { INestApplication } from '@nestjs/common';
import { DEMO_PASSWORD } from '@xueliang/db';
import type { LoginResponse } from '@xueliang/contracts';
import { createTestDatabase, createTestRedisPrefix, testEnv } from './database';

export interface TestApi {
  app: INestApplication;
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  close(): Promise<void>;
}

/**
 * The real api on an ephemeral port, over its own database cloned from the seeded template
 * and its own Redis prefix. Env is applied before the app reads its config.
 */
export async function startApi(overrides: NodeJS.ProcessEnv = {}): Promise<TestApi> {
  const databaseUrl = await createTestDatabase();
  const redisPrefix = createTestRedisPrefix();
  Object.assign(process.env, testEnv(databaseUrl, redisPrefix), overrides);
  // Imported late so that module-level config reads see the test env.
  const { createApiApp } = await import('../../apps/api/src/bootstrap');
  const app = await createApiApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    databaseUrl,
    redisPrefix,
    close: () => app.close(),
  };
}

export interface Session extends LoginResponse {
  /** fetch with this user's bearer token against the api. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export async function login(
  api: Pick<TestApi, 'url'>,
  username: string,
  password = DEMO_PASSWORD,
): Promise<Session> {
  const res = await fetch(`${api.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as LoginResponse;
  return { ...body, call: (path, init) => call(api, body.accessToken, path, init) };
}

export function call(
  api: Pick<TestApi, 'url'>,
  token: string | undefined,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  return fetch(`${api.url}${path}`, { ...init, headers, body });
}

/** The parts of an error or page body the tests read. */
export interface TestBody {
  message: string;
  issues: { path: string; message: string }[];
  items: Record<string, unknown>[];
  [key: string]: unknown;
}

export async function bodyOf(res: Response): Promise<TestBody> {
  return (await res.json()) as TestBody;
}
