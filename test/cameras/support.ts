import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { Camera, CredentialCipher, dataSourceOptions, Region } from '@xueliang/db';
import { TEST_CREDENTIAL_KEY } from '../support/env';
import { FFMPEG } from '../support/sim-fleet';

export { FFMPEG, FFPROBE, SIM_CACHE_DIR, startFleet } from '../support/sim-fleet';
export { until } from '../support/wait';

/** Short timings so suites run in seconds; no test asserts on them. */
export const FAST_GATEWAY_ENV: NodeJS.ProcessEnv = {
  FFMPEG_PATH: FFMPEG,
  ONVIF_TIMEOUT_MS: '1500',
  STREAM_IDLE_MS: '2000',
  STREAM_READY_TIMEOUT_MS: '20000',
  STREAM_STOP_GRACE_MS: '1000',
  STREAM_STALL_MS: '5000',
  STREAM_RESTART_BASE_MS: '200',
  LEASE_TTL_MS: '1500',
  HEALTH_INTERVAL_MS: '300',
  HEALTH_MAX_BACKOFF_MS: '1000',
  HEALTH_FAILURES_TO_OFFLINE: '3',
  EVENTS_PULL_SECONDS: '1',
  EVENTS_SUBSCRIPTION_SECONDS: '10',
  DISCOVERY_MULTICAST: 'false',
  DISCOVERY_WINDOW_MS: '800',
  HLS_DIR: path.join(os.tmpdir(), 'xl-gateway-test-hls'),
};

export interface TestGateway {
  app: INestApplication;
  url: string;
  id: string;
  close(): Promise<void>;
}

/** A gateway in this process; env (database, Redis prefix) must already be applied. */
export async function startTestGateway(id: string, env: NodeJS.ProcessEnv = {}): Promise<TestGateway> {
  Object.assign(process.env, FAST_GATEWAY_ENV, env, { GATEWAY_ID: id });
  const { createGatewayApp, startGateway } = await import('../../apps/camera-gateway/src/bootstrap');
  const app = await createGatewayApp({ logger: false });
  const url = await startGateway(app, 0, '127.0.0.1');
  return { app, url, id, close: () => app.close() };
}

/** An HTTP server that is not an ONVIF device (a router's web UI, say). */
export async function startPlainHttp(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/onvif/device_service`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port nothing listens on. */
/**
 * A port nothing listens on. A freed ephemeral port can be taken by a parallel suite's
 * simulator a moment later, so use a privileged one no test process can bind.
 */
export const CLOSED_PORT = 1;

export async function openDb(url: string): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 3 }));
  return ds.initialize();
}

/** Inserts sim cameras straight into the register (as the seed does), in a township region. */
export async function insertSimCameras(
  ds: DataSource,
  fleet: CameraFleet,
  regionName = '清泉镇',
): Promise<Camera[]> {
  const region = await ds.getRepository(Region).findOneByOrFail({ name: regionName });
  const cipher = new CredentialCipher(TEST_CREDENTIAL_KEY);
  const rows = fleet.list().map((c) =>
    ds.getRepository(Camera).create({
      name: c.name,
      regionId: region.id,
      regionPath: region.path,
      lon: c.location.lon,
      lat: c.location.lat,
      onvifAddress: c.xaddr,
      username: c.username,
      passwordEncrypted: cipher.encrypt(c.password),
      ptz: c.ptz,
      rtspUri: c.rtsp.main,
      subRtspUri: c.rtsp.sub,
      snapshotUri: c.snapshot,
      videoCodec: c.codec,
      mainProfileToken: 'Profile_1',
      subProfileToken: 'Profile_2',
      events: true,
      status: 'unknown',
    }),
  );
  return ds.getRepository(Camera).save(rows);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
