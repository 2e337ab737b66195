import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { PullPoints } from '../../apps/camera-gateway/src/events/pull-point.service';
import type { RawEvent } from '@xueliang/contracts';
import { Camera, CredentialCipher } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { eventsQueue } from '@xueliang/queue';
import { login, Session, startApi, TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { insertSimCameras, openDb, sleep, startFleet, startTestGateway, TestGateway, until } from './support';

/** Motion events of one camera on the events queue (no alert-service runs here, so they stay). */
async function motions(queue: Queue<RawEvent>, cameraId: string): Promise<RawEvent[]> {
  const all = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
  return all.map((j) => j.data).filter((e) => e.type === 'motion' && e.cameraId === cameraId);
}

/**
 * A camera's PullPoint subscription is made with the address and credentials of the moment; an
 * edit through the api (probed, then stored) must make it again with the new ones.
 */
describe('camera edits re-create the gateway event subscription', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let technician: Session;
  let pullPoints: PullPoints;
  let cameras: Camera[];
  const cipher = new CredentialCipher(TEST_CREDENTIAL_KEY);

  beforeAll(async () => {
    // Every simulated camera has a password of its own, as installed cameras do.
    fleet = await startFleet({ count: 3, ptzEvery: 0, password: (i) => `sim-pw-${i}` });
    api = await startApi();
    db = await openDb(api.databaseUrl);
    // The third camera stays unregistered: the second one is moved to its address below.
    cameras = (await insertSimCameras(db, fleet)).filter((c) => c.onvifAddress !== sim(2).xaddr);
    await db.getRepository(Camera).delete({ onvifAddress: sim(2).xaddr });
    // The first camera's password was changed on site: the stored one no longer works.
    await db
      .getRepository(Camera)
      .update({ id: cameras[0].id }, { passwordEncrypted: cipher.encrypt('changed-on-site') });
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, api.redisPrefix);
    technician = await login(api, 'technician');
    gateway = await startTestGateway('gw-edit');
    const { PullPoints } = await import('../../apps/camera-gateway/src/events/pull-point.service');
    pullPoints = gateway.app.get(PullPoints);
  });

  afterAll(async () => {
    await gateway?.close();
    await queue?.close();
    redis?.disconnect();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  function sim(i: number) {
    return fleet.list()[i];
  }
  const subscriptionsOn = (i: number) => fleet.camera(sim(i).id)!.events.size;
  const subscribed = (id: string) => pullPoints.subscriptions().includes(id);
  /** A PATCH through the api; by the time it answers, the gateway was told (not left to its re-read). */
  async function edit(id: string, body: Record<string, unknown>): Promise<Response> {
    const refreshes = jest.spyOn(pullPoints, 'refresh');
    try {
      const res = await technician.call(`/api/cameras/${id}`, { method: 'PATCH', json: body });
      if (res.ok) expect(refreshes).toHaveBeenCalledWith(id);
      return res;
    } finally {
      refreshes.mockRestore();
    }
  }

  let lastFired = 0;
  /** Fires motion on a sim camera and waits for it on the queue as the given registered camera. */
  async function motionArrives(i: number, cameraId: string): Promise<RawEvent> {
    const before = (await motions(queue, cameraId)).length;
    // An event's id is its camera's event time to the second: a second motion within the same
    // second would be the same job.
    while (Math.floor(Date.now() / 1000) === Math.floor(lastFired / 1000)) await sleep(50);
    lastFired = Date.now();
    fleet.fireEvent(sim(i).id, 'motion', false);
    expect(fleet.fireEvent(sim(i).id, 'motion', true)).toBeGreaterThan(0);
    return until('the next motion job', async () => (await motions(queue, cameraId)).at(before));
  }

  it('after the new password is entered, motion reaches the events queue again', async () => {
    const cam = cameras[0];
    // The gateway holds the camera and keeps trying to subscribe with the old password.
    await until('the gateway to try subscribing', () => subscribed(cam.id) || undefined);
    expect(subscriptionsOn(0)).toBe(0);
    expect(fleet.fireEvent(sim(0).id, 'motion', true)).toBe(0);

    const res = await edit(cam.id, { password: sim(0).password });
    expect(res.status).toBe(200);
    await until('a subscription on the first camera', () => subscriptionsOn(0) > 0 || undefined);
    const motion = await motionArrives(0, cam.id);
    expect(motion).toMatchObject({ source: 'camera', regionId: cam.regionId });
  });

  it('after a move to another address with its credentials, events come from the new camera only', async () => {
    const cam = cameras[1];
    await until('a subscription on the second camera', () => subscriptionsOn(1) > 0 || undefined);
    await motionArrives(1, cam.id);

    const res = await edit(cam.id, {
      onvifAddress: sim(2).xaddr,
      username: sim(2).username,
      password: sim(2).password,
    });
    expect(res.status).toBe(200);
    // The old camera was unsubscribed from, the new one subscribed to.
    await until(
      'the subscription moved to the third camera',
      () => (subscriptionsOn(1) === 0 && subscriptionsOn(2) > 0) || undefined,
    );
    const motion = await motionArrives(2, cam.id);
    expect(motion.id).toMatch(new RegExp(`^cam:${cam.id}:motion:`));
    expect(fleet.fireEvent(sim(1).id, 'motion', true)).toBe(0);
  });

  it('a record changed without the api telling the gateway is picked up by its periodic re-read', async () => {
    const cam = cameras[1];
    await until('a subscription on the third camera', () => subscriptionsOn(2) > 0 || undefined);
    // Back to the second camera, written straight to the database: no reconnect call.
    await db.getRepository(Camera).update(
      { id: cam.id },
      {
        onvifAddress: sim(1).xaddr,
        username: sim(1).username,
        passwordEncrypted: cipher.encrypt(sim(1).password),
      },
    );
    await until(
      'the subscription back on the second camera',
      () => (subscriptionsOn(2) === 0 && subscriptionsOn(1) > 0) || undefined,
      20_000,
    );
    await motionArrives(1, cam.id);
  });
});
