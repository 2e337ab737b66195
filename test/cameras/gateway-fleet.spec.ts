import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { RawEvent } from '@xueliang/contracts';
import { Camera } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { eventsQueue } from '@xueliang/queue';
import type { CameraLeases } from '../../apps/camera-gateway/src/leases/camera-leases.service';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL, testEnv } from '../support/database';
import { insertSimCameras, openDb, sleep, startFleet, startTestGateway, TestGateway, until } from './support';

/** Jobs of the events queue (no alert-service runs here, so they stay waiting). */
async function jobs(queue: Queue<RawEvent>): Promise<RawEvent[]> {
  const all = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
  return all.map((j) => j.data);
}

describe('camera gateways: PullPoint events, health, leases', () => {
  let fleet: CameraFleet;
  let db: DataSource;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let cameras: Camera[];
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 4, ptzEvery: 0 });
    const databaseUrl = await createTestDatabase();
    const prefix = createTestRedisPrefix();
    Object.assign(process.env, testEnv(databaseUrl, prefix));
    db = await openDb(databaseUrl);
    cameras = await insertSimCameras(db, fleet);
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, prefix);
    gateways.push(await startTestGateway('gw-a'));
  });

  afterAll(async () => {
    for (const g of gateways) await g.close().catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await db?.destroy();
    await fleet?.stop();
  });

  const simOf = (c: Camera) => fleet.list().find((s) => s.xaddr === c.onvifAddress)!;

  it('brings every camera online from its health polls', async () => {
    await until(
      'every camera online',
      async () => (await db.getRepository(Camera).countBy({ status: 'online' })) === cameras.length,
    );
    // First sightings are not recoveries: no camera_offline events.
    expect((await jobs(queue)).filter((e) => e.type === 'camera_offline')).toHaveLength(0);
  });

  it('puts a fired motion event on the events queue exactly once', async () => {
    const cam = cameras[0];
    const sim = simOf(cam);
    await until(
      'an event subscription on the camera',
      () => fleet.camera(sim.id)!.events.size > 0 || undefined,
    );
    fleet.fireEvent(sim.id, 'motion', true);
    const motion = await until('the motion job', async () =>
      (await jobs(queue)).filter((e) => e.type === 'motion' && e.cameraId === cam.id).at(0),
    );
    expect(motion).toMatchObject({ source: 'camera', regionId: cam.regionId });
    expect(motion.id).toMatch(new RegExp(`^cam:${cam.id}:motion:`));
    // The falling edge and a few more pulls add nothing.
    fleet.fireEvent(sim.id, 'motion', false);
    await sleep(2500);
    const all = (await jobs(queue)).filter((e) => e.type === 'motion' && e.cameraId === cam.id);
    expect(all).toHaveLength(1);
    const job = await queue.getJob(motion.id.replace(/:/g, '|'));
    expect(job?.data.id).toBe(motion.id);
  });

  it('reports an offline camera once after the debounce, and its recovery', async () => {
    const cam = cameras[1];
    fleet.setOffline(simOf(cam).id);
    const row = await until('the camera offline', async () => {
      const c = await db.getRepository(Camera).findOneByOrFail({ id: cam.id });
      return c.status === 'offline' ? c : undefined;
    });
    expect(['unreachable', 'connection refused', 'timeout']).toContain(row.statusReason);
    // More failed polls (with backoff) raise nothing further.
    await sleep(2000);
    const offline = (await jobs(queue)).filter((e) => e.type === 'camera_offline' && e.cameraId === cam.id);
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatchObject({ recovered: false });

    fleet.setOnline(simOf(cam).id);
    await until(
      'the camera back online',
      async () =>
        (await db.getRepository(Camera).findOneByOrFail({ id: cam.id })).status === 'online' || undefined,
    );
    const after = (await jobs(queue)).filter((e) => e.type === 'camera_offline' && e.cameraId === cam.id);
    expect(after.map((e) => e.recovered).sort()).toEqual([false, true]);

    // Its PullPoint comes back with it.
    await until(
      'the tampering event delivered',
      () => fleet.fireEvent(simOf(cam).id, 'tampering', true) > 0 || undefined,
    );
    await until('the tampering job', async () =>
      (await jobs(queue)).find((e) => e.type === 'tampering' && e.cameraId === cam.id),
    );
  });

  it('says "auth failed" when the stored credentials stop working', async () => {
    const cam = cameras[2];
    const { CredentialCipher } = await import('@xueliang/db');
    const { TEST_CREDENTIAL_KEY } = await import('../support/env');
    const cipher = new CredentialCipher(TEST_CREDENTIAL_KEY);
    await db
      .getRepository(Camera)
      .update({ id: cam.id }, { passwordEncrypted: cipher.encrypt('changed-on-the-camera') });
    const row = await until(
      'the camera offline (auth failed)',
      async () => {
        const c = await db.getRepository(Camera).findOneByOrFail({ id: cam.id });
        return c.status === 'offline' ? c : undefined;
      },
      20_000,
    );
    expect(row.statusReason).toBe('auth failed');
    await db
      .getRepository(Camera)
      .update({ id: cam.id }, { passwordEncrypted: cipher.encrypt(simOf(cam).password) });
    await until(
      'the camera back online',
      async () =>
        (await db.getRepository(Camera).findOneByOrFail({ id: cam.id })).status === 'online' || undefined,
      20_000,
    );
  });

  it('shares the fleet between two gateways and hands it over when one goes', async () => {
    const { CameraLeases } = await import('../../apps/camera-gateway/src/leases/camera-leases.service');
    gateways.push(await startTestGateway('gw-b'));
    const [a, b] = gateways.map((g) => g.app.get<CameraLeases>(CameraLeases));
    await until('the cameras split between both gateways', () => {
      const ia = a.ownedIds();
      const ib = b.ownedIds();
      const union = new Set([...ia, ...ib]);
      return (
        ia.length > 0 &&
        ib.length > 0 &&
        union.size === cameras.length &&
        ia.length + ib.length === cameras.length
      );
    });
    // gw-a dies without releasing anything: its leases must expire and gw-b take them.
    await a.stop(false);
    await gateways[0].close();
    gateways.shift();
    await until(
      'gw-b to hold every camera',
      () => b.ownedIds().length === cameras.length || undefined,
      15_000,
    );
  });
});
