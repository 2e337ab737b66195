import { io, type Socket } from 'socket.io-client';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { CameraStatusMessage, ClientToServerEvents, ServerToClientEvents } from '@xueliang/contracts';
import { Camera } from '@xueliang/db';
import { DataSource } from 'typeorm';
import { login, startApi, TestApi } from '../support/api';
import { insertSimCameras, openDb, startFleet, startTestGateway, TestGateway, until } from './support';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

async function connect(url: string, token: string): Promise<LiveClient> {
  const socket: LiveClient = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

describe('camera.status pushes from the gateway to consoles', () => {
  let fleet: CameraFleet;
  let api: TestApi;
  let gateway: TestGateway;
  let db: DataSource;
  let cameras: Camera[];
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 2, ptzEvery: 0 });
    api = await startApi();
    db = await openDb(api.databaseUrl);
    cameras = await insertSimCameras(db, fleet, '清泉镇');
    gateway = await startTestGateway('gw-status');
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await gateway?.close();
    await api?.close();
    await db?.destroy();
    await fleet?.stop();
  });

  it('reaches the township and the county when a camera goes offline and back', async () => {
    await until(
      'every camera online',
      async () => (await db.getRepository(Camera).countBy({ status: 'online' })) === cameras.length,
    );
    const [county, township] = await Promise.all([login(api, 'duty'), login(api, 'duty_t1')]);
    const seen: Record<string, CameraStatusMessage[]> = { county: [], township: [] };
    for (const [name, session] of [
      ['county', county],
      ['township', township],
    ] as const) {
      const socket = await connect(api.url, session.accessToken);
      sockets.push(socket);
      socket.on('camera.status', (m) => seen[name].push(m));
    }
    const cam = cameras[0];
    const simId = fleet.list().find((c) => c.xaddr === cam.onvifAddress)!.id;
    fleet.setOffline(simId);
    for (const name of ['county', 'township']) {
      const m = await until('the offline status message', () =>
        seen[name].find((x) => x.cameraId === cam.id && x.status === 'offline'),
      );
      expect(m).toMatchObject({ regionId: cam.regionId });
      expect(m.reason).toBeTruthy();
    }
    fleet.setOnline(simId);
    await until('the online status message in the township', () =>
      seen.township.find((x) => x.cameraId === cam.id && x.status === 'online'),
    );
  });
});
