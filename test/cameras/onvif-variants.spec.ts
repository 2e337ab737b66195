/*
 * Registration and operation (health, PTZ, events, snapshot) against sim cameras that behave
 * like the variants real firmware shows: SOAP 1.1 replies, HTTP Digest only, other namespace
 * prefixes with optional elements left out, NAT (internal addresses), H.265 said only through
 * Media2 or not at all, short subscriptions without Renew, vendor event topics. One fleet, api
 * and gateway for all, started once in beforeAll.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import type { CameraBehaviourPatch } from '../../apps/camera-sim/src/behaviour';
import type { SimEventTopic } from '../../apps/camera-sim/src/events';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { AlertType, CameraDetailView, RawEvent } from '@xueliang/contracts';
import { Camera, Region } from '@xueliang/db';
import { createRedis, metricsRegistry } from '@xueliang/platform';
import { eventsQueue } from '@xueliang/queue';
import { login, Session, startApi, TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { openDb, startFleet, startTestGateway, TestGateway, until } from './support';

/** RFC 5737 TEST-NET-1: never routed, so a connection there can only time out. */
const INTERNAL_HOST = '192.0.2.64';

const VARIANTS: { name: string; behaviour: CameraBehaviourPatch }[] = [
  { name: 'SOAP 1.1 replies', behaviour: { soap: '1.1' } },
  { name: 'HTTP Digest only', behaviour: { auth: 'http-digest' } },
  { name: 'other prefixes, optional elements left out', behaviour: { prefixes: 'vendor', minimal: true } },
  { name: 'behind NAT (internal addresses)', behaviour: { internalHost: INTERNAL_HOST } },
  { name: 'short subscriptions, no Renew', behaviour: { noRenew: true, maxTerminationS: 4 } },
  { name: 'H.265 said through Media2 only', behaviour: {} },
  { name: 'H.265 without Media2 (Media1 says H264)', behaviour: { media2: false } },
];
const H265 = [5, 6];

async function events(queue: Queue<RawEvent>, cameraId: string): Promise<RawEvent[]> {
  const all = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
  return all.map((j) => j.data).filter((e) => e.cameraId === cameraId);
}

describe('ONVIF variants: what registers also operates', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let technician: Session;
  let duty: Session;
  let region: Region;
  const ids: string[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: VARIANTS.length, ptzEvery: 1, h265: H265 });
    VARIANTS.forEach((v, i) => fleet.setBehaviour(fleet.list()[i].id, v.behaviour));
    api = await startApi();
    db = await openDb(api.databaseUrl);
    region = await db.getRepository(Region).findOneByOrFail({ name: '清泉镇' });
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, api.redisPrefix);
    [technician, duty] = await Promise.all([login(api, 'technician'), login(api, 'duty')]);
    // Registration reads both streams with ffprobe: a roomier lease keeps a loaded machine's
    // gateway from looking gone to the api meanwhile.
    gateway = await startTestGateway('gw-variants', { LEASE_TTL_MS: '5000' });
  });

  afterAll(async () => {
    await gateway?.close();
    await queue?.close();
    redis?.disconnect();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  const sim = (i: number) => fleet.list()[i];

  it.each(VARIANTS.map((v, i) => [v.name, i] as const))('registers a camera with %s', async (_name, i) => {
    const cam = sim(i);
    const res = await technician.call('/api/cameras', {
      method: 'POST',
      json: {
        onvifAddress: cam.xaddr,
        username: cam.username,
        password: cam.password,
        regionId: region.id,
        location: { lon: 101.1, lat: 38.8 },
      },
    });
    expect(res.status).toBe(201);
    const view = (await res.json()) as CameraDetailView;
    ids[i] = view.id;
    const codec = H265.includes(i) ? 'h265' : 'h264';
    // Read from the streams themselves, main and sub alike.
    expect(view).toMatchObject({ ptz: true, events: true, videoCodec: codec, subVideoCodec: codec });
    expect(view.trustDeviceAddresses).toBe(false);
  });

  it('stores what the NAT camera reported, and reaches it at the registered host', async () => {
    const row = await db.getRepository(Camera).findOneByOrFail({ id: ids[3] });
    expect(new URL(row.rtspUri!).hostname).toBe(INTERNAL_HOST);
    expect(new URL(row.snapshotUri!).hostname).toBe(INTERNAL_HOST);
  });

  it('brings every variant online from its health polls', async () => {
    await until('every variant online', async () => {
      const rows = await db.getRepository(Camera).findBy({ status: 'online' });
      return ids.every((id) => rows.some((r) => r.id === id));
    });
  });

  it.each(VARIANTS.map((v, i) => [v.name, i] as const))(
    'moves the PTZ of a camera with %s',
    async (_name, i) => {
      const move = await duty.call(`/api/cameras/${ids[i]}/ptz`, {
        method: 'POST',
        json: { action: 'move', pan: 0.5, tilt: -0.25, zoom: 0 },
      });
      expect(move.status).toBe(200);
      expect(fleet.ptz(sim(i).id)?.velocity).toMatchObject({ x: 0.5, y: -0.25 });
      expect(
        (await duty.call(`/api/cameras/${ids[i]}/ptz`, { method: 'POST', json: { action: 'stop' } })).status,
      ).toBe(200);
    },
  );

  it.each(VARIANTS.map((v, i) => [v.name, i] as const))(
    'takes a snapshot of a camera with %s',
    async (_name, i) => {
      const res = await duty.call(`/api/cameras/${ids[i]}/snapshot`);
      expect(res.status).toBe(200);
      const jpeg = Buffer.from(await res.arrayBuffer());
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    },
  );

  it.each(VARIANTS.map((v, i) => [v.name, i] as const))(
    'puts a motion event of a camera with %s on the events queue',
    async (_name, i) => {
      const id = sim(i).id;
      await until(`${id} subscribed`, () => fleet.camera(id)!.events.size > 0);
      await until(`motion of ${id} queued`, async () => {
        // Fired until one reaches the queue: the first may land between two subscriptions.
        fleet.fireEvent(id, 'motion', false);
        fleet.fireEvent(id, 'motion', true);
        return (await events(queue, ids[i])).some((e) => e.type === 'motion');
      });
    },
  );

  it('keeps events flowing from a camera that grants short subscriptions and cannot Renew', async () => {
    const recreated = metricsRegistry.getSingleMetric('xl_gateway_event_subscriptions_recreated_total') as
      Counter | undefined;
    const count = async () => (await recreated!.get()).values[0]?.value ?? 0;
    const before = await count();
    // Each 4 s subscription is made afresh before it lapses.
    await until('two subscriptions made afresh', async () => (await count()) >= before + 2);
    const id = sim(4).id;
    const had = (await events(queue, ids[4])).length;
    await until('a motion event after the renewals', async () => {
      fleet.fireEvent(id, 'motion', false);
      fleet.fireEvent(id, 'motion', true);
      return (await events(queue, ids[4])).length > had;
    });
    const row = await db.getRepository(Camera).findOneByOrFail({ id: ids[4] });
    expect(row.status).toBe('online');
    expect(row.statusReason).toBeNull();
  });

  it('maps the vendor topic variants to alert types', async () => {
    // Camera 2 writes other prefixes (tnsvendor:RuleEngine/…) too.
    const id = sim(2).id;
    const expected: [SimEventTopic, AlertType][] = [
      ['motion_alarm', 'motion'],
      ['intrusion', 'intrusion'],
      ['line_crossing', 'line_crossing'],
      ['tamper_detector', 'tampering'],
      ['tampering', 'tampering'],
      ['digital_input', 'digital_input'],
    ];
    for (const [topic, type] of expected) {
      await until(`${topic} → ${type}`, async () => {
        fleet.fireEvent(id, topic, false);
        fleet.fireEvent(id, topic, true);
        return (await events(queue, ids[2])).some((e) => e.type === type);
      });
    }
  });

  it('says in the health reason when a camera’s events stop flowing, and when they flow again', async () => {
    const id = sim(0).id;
    // Other clients took every subscription the camera allows, and its current one ends.
    fleet.setBehaviour(id, { refuseSubscriptions: true });
    fleet.camera(id)!.events.closeAll();
    await until('events reported not flowing', async () => {
      const row = await db.getRepository(Camera).findOneByOrFail({ id: ids[0] });
      return row.status === 'online' && /events not flowing/.test(row.statusReason ?? '');
    });
    fleet.setBehaviour(id, { refuseSubscriptions: false });
    await until('events flowing again', async () => {
      const row = await db.getRepository(Camera).findOneByOrFail({ id: ids[0] });
      return row.statusReason === null;
    });
  });

  it('refuses a NAT camera set to trust its internal addresses: they cannot be reached', async () => {
    const cam = sim(3);
    await db.getRepository(Camera).delete({ id: ids[3] });
    const res = await technician.call('/api/cameras', {
      method: 'POST',
      json: {
        onvifAddress: cam.xaddr,
        username: cam.username,
        password: cam.password,
        regionId: region.id,
        location: { lon: 101.1, lat: 38.8 },
        trustDeviceAddresses: true,
      },
    });
    expect(res.status).toBe(422);
  });
});
