import type { ApiError, LoginResponse } from '@xueliang/contracts';

/** A failed call: status 0 means the network (or the server) did not answer at all. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ApiError> & Record<string, unknown>,
    readonly path: string,
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
  /** The endpoint is not there yet (another team is building it) or the record is gone. */
  get notFound(): boolean {
    return this.status === 404;
  }
}

const SESSION_KEY = 'xl.session';
let session: LoginResponse | null = readStoredSession();
let onUnauthorized: (() => void) | null = null;

function readStoredSession(): LoginResponse | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as LoginResponse;
    return new Date(parsed.expiresAt).getTime() > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function currentSession(): LoginResponse | null {
  return session;
}

export function storeSession(next: LoginResponse | null): void {
  session = next;
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
}

/** The session provider registers how a 401 sends the user back to the login page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  json?: unknown;
  /** A multipart body (file uploads); the browser sets its content type. */
  form?: FormData;
  query?: Query;
  signal?: AbortSignal;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** fetch with the bearer token; any non-2xx becomes an ApiRequestError; 401 ends the session. */
async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const url = withQuery(path, options.query);
  const headers = new Headers({ accept: 'application/json' });
  if (session) headers.set('authorization', `Bearer ${session.accessToken}`);
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  let res: Response;
  try {
    res = await fetch(url, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiRequestError(0, { message: (err as Error).message }, path);
  }
  if (res.ok) return res;
  let errBody: Record<string, unknown>;
  try {
    errBody = (await res.json()) as Record<string, unknown>;
  } catch {
    errBody = { message: res.statusText };
  }
  if (res.status === 401 && session && !path.startsWith('/api/auth/login')) {
    storeSession(null);
    onUnauthorized?.();
  }
  throw new ApiRequestError(res.status, errBody, path);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Lists come either bare or as a page; the console reads both while the api settles. */
export function itemsOf<T>(body: T[] | { items: T[] } | null | undefined): T[] {
  if (!body) return [];
  return Array.isArray(body) ? body : (body.items ?? []);
}

/** Fetches a binary resource that needs the bearer header (snapshots, CSV). */
export async function fetchBlob(path: string, query?: Query): Promise<Blob> {
  const res = await request(path, { query });
  return res.blob();
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
