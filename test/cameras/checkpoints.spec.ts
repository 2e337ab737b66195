import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CheckpointView, CreatedIntegrationKey, RawEvent } from '@xueliang/contracts';
import { AuditEntry, Region } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { eventsQueue } from '@xueliang/queue';
import { DataSource } from 'typeorm';
import { login, Session, startApi, TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { openDb } from './support';

describe('checkpoints: register and pass ingest', () => {
  let api: TestApi;
  let db: DataSource;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let technician: Session;
  let dutyT1: Session;
  let admin: Session;
  let weiqi: Region;

  beforeAll(async () => {
    api = await startApi();
    db = await openDb(api.databaseUrl);
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, api.redisPrefix);
    weiqi = await db.getRepository(Region).findOneByOrFail({ name: '位奇镇' });
    [technician, dutyT1, admin] = await Promise.all([
      login(api, 'technician'),
      login(api, 'duty_t1'),
      login(api, 'admin'),
    ]);
  });

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await api?.close();
    await db?.destroy();
  });

  let checkpoint: CheckpointView;

  it('registers, edits, scopes and deletes checkpoints with audit', async () => {
    const res = await technician.call('/api/checkpoints', {
      method: 'POST',
      json: {
        code: 'KK-T-001',
        name: '位奇镇十字路口卡口',
        regionId: weiqi.id,
        location: { lon: 101.1, lat: 38.8 },
        road: 'S213省道',
        direction: '西向东',
      },
    });
    expect(res.status).toBe(201);
    checkpoint = (await res.json()) as CheckpointView;
    expect(checkpoint).toMatchObject({ code: 'KK-T-001', lanes: 2, regionName: '位奇镇', status: 'unknown' });
    const patched = await technician.call(`/api/checkpoints/${checkpoint.id}`, {
      method: 'PATCH',
      json: { lanes: 4 },
    });
    expect(((await patched.json()) as CheckpointView).lanes).toBe(4);
    expect((await dutyT1.call(`/api/checkpoints/${checkpoint.id}`)).status).toBe(404);
    expect(
      ((await (await dutyT1.call('/api/checkpoints')).json()) as CheckpointView[]).map((k) => k.id),
    ).not.toContain(checkpoint.id);
    expect((await dutyT1.call(`/api/checkpoints/${checkpoint.id}`, { method: 'DELETE' })).status).toBe(403);
    expect(
      await db.getRepository(AuditEntry).countBy({ action: 'checkpoint.update', targetId: checkpoint.id }),
    ).toBe(1);
  });

  it('turns a checkpoint alarm into one RawEvent; plain passes only mark it seen', async () => {
    const keyRes = await admin.call('/api/integrations', {
      method: 'POST',
      json: { name: '卡口平台', source: 'iot', regionId: weiqi.id },
    });
    expect(keyRes.status).toBe(201);
    const { key } = (await keyRes.json()) as CreatedIntegrationKey;
    const post = (body: unknown, apiKey: string = key) =>
      fetch(`${api.url}/api/checkpoints/passes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
        body: JSON.stringify(body),
      });
    const pass = {
      checkpointCode: 'KK-T-001',
      passId: 'p-1',
      passedAt: new Date().toISOString(),
      lane: 1,
      speedKmh: 50,
    };
    expect((await post(pass, '')).status).toBe(401);
    expect((await post({ ...pass, passedAt: 'yesterday' })).status).toBe(400);
    expect((await post(pass)).status).toBe(202);
    const alarm = { ...pass, passId: 'p-2', speedKmh: 110, speedLimitKmh: 80, alarm: 'speeding' };
    expect((await post(alarm)).status).toBe(202);
    expect((await post(alarm)).status).toBe(202); // a retry
    const events = (await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).map(
      (j) => j.data,
    );
    const mine = events.filter((e) => e.checkpointId === checkpoint.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: 'checkpoint', type: 'checkpoint_alarm', regionId: weiqi.id });
    const seen = (await (
      await technician.call(`/api/checkpoints/${checkpoint.id}`)
    ).json()) as CheckpointView;
    expect(seen.status).toBe('online');
    expect(seen.lastSeenAt).not.toBeNull();
    expect((await technician.call(`/api/checkpoints/${checkpoint.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
  });
});
