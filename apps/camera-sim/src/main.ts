import { CheckpointSim } from './checkpoints';
import { ControlServer } from './control';
import { DemoTrickle } from './demo';
import { CameraFleet } from './fleet';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

function log(msg: string): void {
  console.log(`${new Date().toISOString()} camera-sim ${msg}`);
}

async function main(): Promise<void> {
  const count = intEnv('SIM_CAMERAS', 60);
  const discoveryPort = intEnv('SIM_DISCOVERY_PORT', 3702);
  const fleet = await CameraFleet.start({
    count,
    host: process.env.SIM_HOST || '127.0.0.1',
    basePort: intEnv('SIM_ONVIF_BASE_PORT', 18000),
    rtspPort: intEnv('SIM_RTSP_PORT', 8554),
    discoveryPort,
    multicast: process.env.SIM_MULTICAST !== '0',
    discovery: process.env.SIM_DISCOVERY !== '0',
    ptzEvery: intEnv('SIM_PTZ_EVERY', 5),
    username: process.env.SIM_USERNAME || 'admin',
    password: process.env.SIM_PASSWORD || 'sim12345',
    h265: (process.env.SIM_H265 ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => Number(s)),
    ffmpegPath: process.env.FFMPEG_PATH || 'ffmpeg',
    cacheDir: process.env.SIM_CACHE_DIR || 'var/sim-cache',
    log,
  }).catch((e: Error & { code?: string; port?: number }) => {
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      log(
        `port ${e.port ?? '?'} unavailable (${e.code}): set SIM_ONVIF_BASE_PORT, SIM_RTSP_PORT or SIM_DISCOVERY_PORT`,
      );
    }
    throw e;
  });
  const checkpoints = new CheckpointSim({
    url: process.env.SIM_CHECKPOINT_URL || undefined,
    apiKey: process.env.SIM_CHECKPOINT_KEY || undefined,
    passesPerMinute: intEnv('SIM_CHECKPOINT_RATE', 30),
    log,
  });
  const control = new ControlServer(fleet, { checkpoints: () => checkpoints.list() });
  const controlPort = await control.start(
    intEnv('SIM_PORT', 3030),
    process.env.SIM_CONTROL_HOST || '127.0.0.1',
  );
  log(`control API on http://127.0.0.1:${controlPort} (GET /cameras, /healthz)`);
  checkpoints.start();
  const demo = process.env.SIM_DEMO === '1' ? new DemoTrickle(fleet) : undefined;
  if (demo) {
    demo.start();
    log('demo trickle on: motion every 20-60 s, occasional tampering and outages');
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    demo?.stop();
    checkpoints.stop();
    const hard = setTimeout(() => process.exit(1), 5000);
    hard.unref();
    void Promise.all([control.stop(), fleet.stop()]).then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (e: Error) => {
        log(`stop failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: Error) => {
  log(`failed to start: ${e.stack ?? e.message}`);
  process.exit(1);
});
