import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RecordingHealthView, RecordingPolicyView, RecordingStorageView } from '@xueliang/contracts';
import {
  recordingBytesKey,
  recordingPolicyChannel,
  type RecordingState,
  recordingStateKey,
  recordingStorageKey,
} from '@xueliang/gateway-protocol';
import { createRedis } from '@xueliang/platform';
import { places, type Place } from '../alerts/support';
import { bodyOf, login, type Session, startApi, type TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { until } from '../support/wait';
import { audited, userIn } from './support-admin';
import { addCameraRow, Footage, minutesAgo, tempRecordingsDir } from './support-retention';

describe('recording policies and storage health', () => {
  let api: TestApi;
  let pg: Client;
  let redis: Redis;
  let where: Place;
  let technician: Session;
  let townshipTechnician: Session;
  let t1Camera: string;
  let t2Camera: string;

  beforeAll(async () => {
    api = await startApi();
    pg = new Client({ connectionString: api.databaseUrl });
    await pg.connect();
    redis = createRedis(TEST_REDIS_URL);
    where = await places(pg);
    t1Camera = await addCameraRow(pg, where.village1, '清泉镇 集市');
    t2Camera = await addCameraRow(pg, where.t2, '位奇镇 校门');
    technician = await login(api, 'technician');
    townshipTechnician = await userIn(api, 'technician_t1', 'technician', where.t1.id);
  });
  afterAll(async () => {
    await redis.quit();
    await pg.end();
    await api.close();
  });

  const policyOf = (s: Session, id: string) => s.call(`/api/cameras/${id}/recording-policy`);
  const putPolicy = (s: Session, id: string, json: unknown) =>
    s.call(`/api/cameras/${id}/recording-policy`, { method: 'PUT', json });

  it('a technician reads the default, changes part of it; the change is audited and announced to the recorder', async () => {
    const before = (await (await policyOf(technician, t1Camera)).json()) as RecordingPolicyView;
    expect(before).toEqual({
      cameraId: t1Camera,
      mode: 'off',
      stream: 'sub',
      preEventSeconds: 10,
      postEventSeconds: 30,
      retentionDays: 30,
      custom: false,
      updatedAt: null,
    });

    const subscriber = redis.duplicate();
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(message));
    await subscriber.subscribe(recordingPolicyChannel(api.redisPrefix));
    try {
      const res = await putPolicy(technician, t1Camera, { mode: 'continuous', retentionDays: 90 });
      expect(res.status).toBe(200);
      expect((await res.json()) as RecordingPolicyView).toMatchObject({
        cameraId: t1Camera,
        mode: 'continuous',
        stream: 'sub',
        retentionDays: 90,
        custom: true,
      });
      await until('the policy change announced', () => heard.length > 0);
      expect(JSON.parse(heard[0])).toEqual({ cameraId: t1Camera });
    } finally {
      await subscriber.quit();
    }
    // A second change keeps what it does not name.
    const second = (await (
      await putPolicy(technician, t1Camera, { stream: 'main' })
    ).json()) as RecordingPolicyView;
    expect(second).toMatchObject({ mode: 'continuous', stream: 'main', retentionDays: 90 });

    const supervisor = await login(api, 'supervisor');
    const entries = await audited(supervisor, 'recording.policy');
    expect(entries).toHaveLength(2);
    expect(entries[1].detail).toMatchObject({
      before: { mode: 'off', retentionDays: 30 },
      after: { mode: 'continuous', retentionDays: 90 },
    });
  });

  it.each([
    ['retentionDays', { retentionDays: 0 }],
    ['retentionDays', { retentionDays: 'long' }],
    ['mode', { mode: 'sometimes' }],
    ['stream', { stream: 'third' }],
    ['preEventSeconds', { preEventSeconds: 1000 }],
  ])('refuses a bad %s with a 400 naming it', async (field, json) => {
    const res = await putPolicy(technician, t1Camera, json);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).message).toMatch(new RegExp(`^${field}`));
  });

  it('refuses an unknown field, other roles and other townships', async () => {
    expect((await putPolicy(technician, t1Camera, { retention: 5 })).status).toBe(400);
    const duty = await login(api, 'duty');
    expect((await policyOf(duty, t1Camera)).status).toBe(403);
    expect((await putPolicy(duty, t1Camera, { mode: 'off' })).status).toBe(403);
    expect((await policyOf(townshipTechnician, t2Camera)).status).toBe(404);
    expect((await putPolicy(townshipTechnician, t2Camera, { mode: 'off' })).status).toBe(404);
    expect((await policyOf(townshipTechnician, t1Camera)).status).toBe(200);
    const { rows } = await pg.query('SELECT 1 FROM recording_policies WHERE camera_id = $1', [t2Camera]);
    expect(rows).toHaveLength(0);
  });

  it('health joins what the gateways report with what the index holds, within the user scope', async () => {
    const footage = new Footage(pg, await tempRecordingsDir('health'));
    const first = await footage.add({
      cameraId: t1Camera,
      start: minutesAgo(120),
      stream: 'main',
      gatewayId: 'gw-h',
    });
    const last = await footage.add({
      cameraId: t1Camera,
      start: minutesAgo(10),
      stream: 'main',
      gatewayId: 'gw-h',
    });
    await footage.add({ cameraId: t2Camera, start: minutesAgo(10), gatewayId: 'gw-h' });
    const now = new Date().toISOString();
    const state = (cameraId: string, patch: Partial<RecordingState>): string =>
      JSON.stringify({
        cameraId,
        gatewayId: 'gw-h',
        stream: 'main',
        mode: 'continuous',
        recording: true,
        reason: null,
        since: now,
        updatedAt: now,
        ...patch,
      } satisfies RecordingState);
    await redis.hset(recordingStateKey(api.redisPrefix), {
      [t1Camera]: state(t1Camera, {
        recording: false,
        reason: 'storage full: only evidence-locked footage is left',
      }),
      [t2Camera]: state(t2Camera, { stream: 'sub' }),
    });
    const storage: RecordingStorageView = {
      gatewayId: 'gw-h',
      bytesUsed: 30_000,
      bytesFree: 1e9,
      bytesTotal: 2e9,
      quotaBytes: 1e8,
      highWaterBytes: 9e7,
      lowWaterBytes: 8e7,
      writeBytesPerSecond: 100,
      recordingCameras: 1,
      reportedAt: now,
    };
    await redis.hset(recordingStorageKey(api.redisPrefix), 'gw-h', JSON.stringify(storage));
    await redis.hset(recordingBytesKey(api.redisPrefix, 'gw-h'), {
      [t1Camera]: '20000',
      [t2Camera]: '10000',
    });

    const res = await technician.call('/api/recordings/health');
    expect(res.status).toBe(200);
    const health = (await res.json()) as RecordingHealthView;
    expect(health.storage).toEqual([storage]);
    const t1 = health.cameras.find((c) => c.cameraId === t1Camera);
    expect(t1).toMatchObject({
      cameraName: '清泉镇 集市',
      mode: 'continuous',
      stream: 'main',
      recording: false,
      reason: 'storage full: only evidence-locked footage is left',
      bytes: 20_000,
    });
    expect([t1!.oldestAt, t1!.newestAt]).toEqual([
      first.start.toISOString(),
      new Date(last.start.getTime() + 4000).toISOString(),
    ]);
    expect(health.cameras.map((c) => c.cameraId)).toEqual(expect.arrayContaining([t1Camera, t2Camera]));

    const township = (await (
      await townshipTechnician.call('/api/recordings/health')
    ).json()) as RecordingHealthView;
    expect(township.cameras.map((c) => c.cameraId)).toContain(t1Camera);
    expect(township.cameras.map((c) => c.cameraId)).not.toContain(t2Camera);
    expect(township.storage).toEqual([]);

    const duty = await login(api, 'duty');
    expect((await duty.call('/api/recordings/health')).status).toBe(403);
  });
});
