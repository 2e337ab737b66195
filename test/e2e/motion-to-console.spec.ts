import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { AlertChangeMessage } from '@xueliang/contracts';
import { Camera } from '@xueliang/db';
import type { DataSource } from 'typeorm';
import { login } from '../support/api';
import { loginSecondTownshipDuty, record, startAlertStack, until, type AlertStack } from '../alerts/support';
import { insertSimCameras, openDb, startFleet, startTestGateway, type TestGateway } from '../cameras/support';

/**
 * The whole hot path with nothing replaced: a simulated camera's ONVIF motion event → the
 * gateway's PullPoint subscription → the BullMQ events queue → the alert-service → PostgreSQL
 * → socket.io, where the consoles of the camera's township and of the county receive
 * alert.created and a console of another township receives nothing.
 */
describe('motion on a camera reaches the right consoles, and only them', () => {
  let fleet: CameraFleet;
  let stack: AlertStack;
  let gateway: TestGateway;
  let db: DataSource;
  let cameras: Camera[];

  beforeAll(async () => {
    fleet = await startFleet({ count: 2, ptzEvery: 0 });
    stack = await startAlertStack();
    db = await openDb(stack.api.databaseUrl);
    cameras = await insertSimCameras(db, fleet, '清泉镇');
    gateway = await startTestGateway('gw-e2e');
  });

  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  it('delivers alert.created to 清泉镇 and the county; 位奇镇 sees nothing', async () => {
    const camera = cameras[0];
    const sim = fleet.list().find((c) => c.xaddr === camera.onvifAddress)!;
    // The gateway owns the camera once it has subscribed to its events.
    await until(
      'PullPoint subscription',
      () => (fleet.list().find((c) => c.id === sim.id)?.subscriptions ?? 0) > 0,
      30_000,
    );

    const [county, township, otherTownship] = await Promise.all([
      login(stack.api, 'duty'),
      login(stack.api, 'duty_t1'),
      loginSecondTownshipDuty(stack),
    ]);
    const seen = {
      county: record(await stack.live(county.accessToken)),
      township: record(await stack.live(township.accessToken)),
      other: record(await stack.live(otherTownship.accessToken)),
    };

    fleet.fireEvent(sim.id, 'motion', true);

    const forCamera = (list: AlertChangeMessage[]) => list.find((m) => m.alert.cameraId === camera.id);
    const atTownship = await until('alert.created in 清泉镇', () => forCamera(seen.township.created), 30_000);
    const atCounty = await until('alert.created at the county', () => forCamera(seen.county.created), 30_000);
    expect(atTownship.alert).toMatchObject({
      type: 'motion',
      source: 'camera',
      status: 'NEW',
      regionId: camera.regionId,
    });
    expect(atCounty.seq).toBe(atTownship.seq);

    const { rows } = await stack.pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM alerts WHERE camera_id = $1 AND type = 'motion'`,
      [camera.id],
    );
    expect(Number(rows[0].n)).toBe(1);
    // Give a stray push time to arrive before concluding the other township saw nothing.
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.other.created).toHaveLength(0);
    expect(seen.other.updated).toHaveLength(0);
  });
});
