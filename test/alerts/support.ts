import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import type {
  AlertChangeMessage,
  ClientToServerEvents,
  RawEvent,
  ServerToClientEvents,
} from '@xueliang/contracts';
import { createRedis } from '@xueliang/platform';
import { enqueueRawEvent, eventsQueue } from '@xueliang/queue';
import { AlertService } from '../../apps/alert-service/src/alert-service';
import { login, startApi, type Session, type TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';

export { until } from '../support/wait';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface AlertStack {
  api: TestApi;
  service: AlertService | null;
  pg: Client;
  events: Queue<RawEvent>;
  /** The demo county's places (see places()). */
  where: Place;
  enqueue(event: RawEvent): Promise<void>;
  /** A socket.io client signed in with `token` (to the stack's api unless `url`); close() disconnects it. */
  live(token: string, url?: string): Promise<LiveClient>;
  startService(): Promise<AlertService>;
  stopService(): Promise<void>;
  close(): Promise<void>;
}

/** The api and an in-process alert-service over one test database and Redis prefix. */
export async function startAlertStack(options: { service?: boolean } = {}): Promise<AlertStack> {
  const api = await startApi();
  const pg = new Client({ connectionString: api.databaseUrl });
  await pg.connect();
  const redis = createRedis(TEST_REDIS_URL);
  const events = eventsQueue(redis, api.redisPrefix);
  const sockets: LiveClient[] = [];
  const stack: AlertStack = {
    api,
    service: null,
    pg,
    events,
    where: await places(pg),
    enqueue: (event) => enqueueRawEvent(events, event),
    async live(token, url = api.url) {
      const socket = await connect(url, token);
      sockets.push(socket);
      return socket;
    },
    async startService() {
      const service = new AlertService({
        databaseUrl: api.databaseUrl,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: api.redisPrefix,
        concurrency: 4,
      });
      await service.start();
      stack.service = service;
      return service;
    },
    async stopService() {
      await stack.service?.stop();
      stack.service = null;
    },
    async close() {
      sockets.forEach((s) => s.disconnect());
      await stack.stopService();
      await events.close();
      await redis.quit();
      await pg.end();
      await api.close();
    },
  };
  if (options.service !== false) await stack.startService();
  return stack;
}

export interface Place {
  countyId: string;
  t1: { id: string; path: string };
  t2: { id: string; path: string };
  village1: { id: string; path: string };
}

/** The demo county's first two townships and a village of the first (清泉镇). */
export async function places(pg: Client): Promise<Place> {
  const { rows } = await pg.query<{ id: string; path: string; level: string; name: string }>(
    `SELECT id, path, level, name FROM regions WHERE level IN ('county', 'township', 'village') ORDER BY path`,
  );
  const county = rows.find((r) => r.level === 'county')!;
  const [t1, t2] = rows.filter((r) => r.level === 'township');
  const village1 = rows.find((r) => r.level === 'village' && r.path.startsWith(t1.path))!;
  return { countyId: county.id, t1, t2, village1 };
}

/** Registers a camera row directly (the camera feature is another engineer's; tests need only the row). */
export async function addCamera(
  pg: Client,
  region: { id: string; path: string },
  name = '测试摄像机',
): Promise<string> {
  const id = randomUUID();
  await pg.query(
    `INSERT INTO cameras (id, name, region_id, region_path, lon, lat, onvif_address, status)
     VALUES ($1, $2, $3, $4, 101.0, 38.7, $5, 'online')`,
    [id, name, region.id, region.path, `http://127.0.0.2:9/onvif/${id}`],
  );
  return id;
}

export function cameraEvent(cameraId: string, n: number | string, patch: Partial<RawEvent> = {}): RawEvent {
  return {
    id: `cam:${cameraId}:motion:${n}`,
    source: 'camera',
    type: 'motion',
    occurredAt: new Date().toISOString(),
    cameraId,
    ...patch,
  };
}

export async function connect(url: string, token: string): Promise<LiveClient> {
  const socket: LiveClient = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** Records every alert push a socket receives. */
export function record(socket: LiveClient): { created: AlertChangeMessage[]; updated: AlertChangeMessage[] } {
  const seen = { created: [] as AlertChangeMessage[], updated: [] as AlertChangeMessage[] };
  socket.on('alert.created', (m) => seen.created.push(m));
  socket.on('alert.updated', (m) => seen.updated.push(m));
  return seen;
}

export async function countRows(pg: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(sql, params);
  return Number(rows[0].n);
}

/** Signs in a duty officer of the second township (位奇镇), created through the admin API for the test. */
export async function loginSecondTownshipDuty(stack: Pick<AlertStack, 'api' | 'where'>): Promise<Session> {
  const admin = await login(stack.api, 'admin');
  const res = await admin.call('/api/users', {
    method: 'POST',
    json: {
      username: 'duty_t2',
      displayName: '位奇镇值班员',
      password: 'password123',
      roles: ['duty_officer'],
      regionId: stack.where.t2.id,
    },
  });
  if (res.status !== 201) throw new Error(`create duty_t2: HTTP ${res.status} ${await res.text()}`);
  return login(stack.api, 'duty_t2', 'password123');
}
