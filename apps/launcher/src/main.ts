import 'reflect-metadata';
import { resolve } from 'node:path';
import { migrateDatabase } from '@xueliang/db';
import { type AppConfig, loadConfig } from '@xueliang/platform';
import {
  acquireLauncherLock,
  ChildRegistry,
  DatabaseHandle,
  ensureDir,
  findFreePort,
  isPortFree,
  loadOrCreateSecrets,
  ProcessSupervisor,
  RedisHandle,
  RedisUnavailableError,
  releaseLauncherLock,
  resolveDatabase,
  resolveFfmpeg,
  resolveRedis,
  resolveVarDir,
  ServiceWatchdog,
  stdoutSink,
  stopLeftoverChildren,
  waitForHttp,
} from './launch';
import { appEntry, AppSpec, SERVICE_APPS, SIM_APP } from './apps';
import { runDemoSeed } from './seed-hook';
import { stackEnv } from './stack-env';

/** dist/apps/launcher/src → dist, and the repository root above it. */
const DIST_ROOT = resolve(__dirname, '../../..');
const REPO_ROOT = resolve(DIST_ROOT, '..');
const DEMO_USERS = ['duty', 'dispatcher', 'supervisor', 'responder', 'technician', 'admin', 'duty_t1'];
const DEMO_PASSWORD = 'xueliang';
const API_READY_TIMEOUT_MS = 180_000;

const colour = Boolean(process.stdout.isTTY);
const say = (message: string): void =>
  stdoutSink(`${colour ? '\u001b[1m' : ''}launcher   | ${message}${colour ? '\u001b[0m' : ''}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

class Aborted extends Error {}

/** Everything the launcher started, registered as soon as it exists so shutdown can stop it. */
const started: {
  db?: DatabaseHandle;
  redis?: RedisHandle;
  supervisor?: ProcessSupervisor;
  registry?: ChildRegistry;
  watchdogs: ServiceWatchdog[];
} = { watchdogs: [] };
let varDir = '';
let shutdownPromise: Promise<void> | undefined;
let signalCount = 0;

function checkpoint(): void {
  if (shutdownPromise) throw new Aborted('shutting down');
}

async function startStack(): Promise<void> {
  const t0 = Date.now();
  varDir = ensureDir(resolveVarDir());
  const holder = acquireLauncherLock(varDir);
  if (holder) {
    say(`another launcher (pid ${holder}) is already running on ${varDir}; stop it first or set XL_VAR_DIR`);
    process.exit(1);
  }
  say(`state in ${varDir}`);
  const leftovers = await stopLeftoverChildren(varDir);
  if (leftovers.length) say(`stopped ${leftovers.join(', ')} left running by a launcher that was killed`);
  const registry = new ChildRegistry(varDir);
  started.registry = registry;

  const secrets = loadOrCreateSecrets(varDir);
  const ffmpeg = resolveFfmpeg();
  say(`ffmpeg: ${ffmpeg.path} (from ${ffmpeg.source})`);

  const apps: { spec: AppSpec; entry: string }[] = [];
  for (const spec of [SIM_APP, ...SERVICE_APPS]) {
    const entry = appEntry(DIST_ROOT, spec);
    if (entry) apps.push({ spec, entry });
    else say(`warning: ${spec.name} is not built (${spec.main} missing in dist/); skipping it`);
  }
  // Parsed once: the children's env below adds services and secrets, never other ports.
  const config = loadConfig(process.env);
  await assertAppPortsFree(
    config,
    apps.map((a) => a.spec.name),
  );

  // Database and Redis come up in parallel; whichever succeeds is registered for shutdown.
  const [db, redis] = await Promise.allSettled([
    resolveDatabase({
      varDir,
      password: secrets.POSTGRES_PASSWORD,
      rolePasswords: { owner: secrets.POSTGRES_OWNER_PASSWORD, app: secrets.POSTGRES_APP_PASSWORD },
      colour,
      stopAdopted: true,
    }).then((h) => {
      started.db = h;
      return h;
    }),
    resolveRedis({ varDir, colour, password: secrets.REDIS_PASSWORD }).then((h) => {
      started.redis = h;
      return h;
    }),
  ]);
  if (redis.status === 'rejected') throw redis.reason;
  if (db.status === 'rejected') throw db.reason;
  say(
    `postgres: ${redactUrl(db.value.url)} (${db.value.source}); redis: ${redactUrl(redis.value.url)} (${redis.value.private ? 'private' : 'REDIS_URL'})`,
  );
  checkpoint();
  superviseDataServices(db.value, redis.value);

  const tMigrate = Date.now();
  // As the owner; the apps' role is then granted what they need and nothing more on the audit log.
  await migrateDatabase(db.value.migrationUrl, { appUrl: db.value.url });
  say(`migrations done in ${seconds(Date.now() - tMigrate)}`);
  checkpoint();

  const env = stackEnv({
    databaseUrl: db.value.url,
    redisUrl: redis.value.url,
    ffmpegPath: ffmpeg.path,
    secrets,
    repoRoot: REPO_ROOT,
    varDir,
  });
  const supervisor = new ProcessSupervisor({
    colour,
    onSpawn: (name, pid, spec) => registry.record(name, pid, spec.args[spec.args.length - 1] ?? name),
  });
  started.supervisor = supervisor;
  const startApp = (spec: AppSpec, entry: string): void => {
    supervisor.start({
      name: spec.name,
      command: process.execPath,
      args: ['--enable-source-maps', entry],
      cwd: REPO_ROOT,
      env: { ...env, ...appEnv(spec, config.API_PORT, secrets.CHECKPOINT_FEED_KEY) },
    });
  };

  const simControlUrl = `http://127.0.0.1:${config.SIM_PORT}`;
  const sim = apps.find((a) => a.spec === SIM_APP);
  if (sim) {
    startApp(sim.spec, sim.entry);
    // Any HTTP answer means its control API is listening; the seed asks it for GET /cameras.
    const up = await waitForHttp(`${simControlUrl}/cameras`, {
      timeoutMs: 30_000,
      accept: () => true,
      cancelled: () => Boolean(shutdownPromise),
    });
    checkpoint();
    if (!up) say(`warning: camera-sim did not answer on ${simControlUrl} within 30 s; seeding anyway`);
  } else {
    say('warning: no camera simulator, so the seed registers no simulated cameras');
  }

  try {
    const tSeed = Date.now();
    const outcome = await runDemoSeed(DIST_ROOT, {
      databaseUrl: db.value.migrationUrl,
      simControlUrl: sim ? simControlUrl : undefined,
      credentialKey: secrets.CREDENTIAL_KEY,
      checkpointFeedKey: sim ? secrets.CHECKPOINT_FEED_KEY : undefined,
      log: (message) => stdoutSink(`seed       | ${message}`),
    });
    if (outcome === 'missing')
      say('warning: no seed built (dist/libs/db/src/seed missing); the database stays empty');
    else say(`demo county seeded in ${seconds(Date.now() - tSeed)}`);
  } catch (error) {
    // A broken seed should not take the whole stack down: the apps still start for debugging.
    say(`error: the seed failed: ${(error as Error).stack ?? String(error)}`);
  }
  checkpoint();

  for (const app of apps) if (app.spec !== SIM_APP) startApp(app.spec, app.entry);

  const hasApi = apps.some((a) => a.spec.name === 'api');
  if (!hasApi) {
    say(
      `no api built: infrastructure and ${apps.length} app(s) up after ${seconds(Date.now() - t0)}; the console is not served`,
    );
    return;
  }
  const readyUrl = `http://127.0.0.1:${config.API_PORT}/readyz`;
  say(`all apps started after ${seconds(Date.now() - t0)}; waiting for ${readyUrl}`);
  const ready = await waitForHttp(readyUrl, {
    timeoutMs: API_READY_TIMEOUT_MS,
    cancelled: () => Boolean(shutdownPromise),
  });
  checkpoint();
  if (!ready) {
    say(
      `warning: ${readyUrl} not ready after ${seconds(API_READY_TIMEOUT_MS)}; the stack keeps running, see the api log above`,
    );
    return;
  }
  banner(config.API_PORT, Date.now() - t0);
}

/**
 * The PostgreSQL and Redis we started are restarted like the apps when they die (same port, same
 * files), and the log says so; the apps reconnect by themselves. A DATABASE_URL / REDIS_URL
 * server, or an embedded one adopted from a killed launcher, is not ours to restart.
 */
function superviseDataServices(db: DatabaseHandle, redis: RedisHandle): void {
  for (const [name, handle] of [
    ['postgres', db],
    ['redis', redis],
  ] as const) {
    const { exited, restart } = handle;
    if (!exited || !restart) continue;
    started.watchdogs.push(
      new ServiceWatchdog(name, {
        exited: () => exited.call(handle),
        restart: () => restart.call(handle),
        get pid() {
          return handle.pid;
        },
      }),
    );
  }
}

/**
 * Per-app additions. The simulator's clip cache follows XL_VAR_DIR instead of the repo's var/,
 * and its road checkpoints post vehicle passes to the api with the demo feed key the seed registers.
 */
function appEnv(spec: AppSpec, apiPort: number, checkpointFeedKey: string): Record<string, string> {
  const extra: Record<string, string> = { ...spec.env };
  if (spec !== SIM_APP) return extra;
  if (!process.env.SIM_CACHE_DIR) extra.SIM_CACHE_DIR = resolve(varDir, 'sim-cache');
  if (!process.env.SIM_CHECKPOINT_URL) {
    extra.SIM_CHECKPOINT_URL = `http://127.0.0.1:${apiPort}/api/checkpoints/passes`;
    extra.SIM_CHECKPOINT_KEY = checkpointFeedKey;
  }
  return extra;
}

function banner(apiPort: number, elapsedMs: number): void {
  const lines = [
    '',
    '============================================================',
    `  Xueliang is ready in ${seconds(elapsedMs)} (launcher uptime ${seconds(process.uptime() * 1000)})`,
    `  Console:  http://localhost:${apiPort}`,
    `  Logins:   ${DEMO_USERS.join(', ')}`,
    `  Password: ${DEMO_PASSWORD}`,
    `  State:    ${varDir}   (${varDir === resolve(REPO_ROOT, 'var') ? 'npm run reset wipes it' : 'delete it to start over'})`,
    '  Stop:     Ctrl-C',
    '============================================================',
    '',
  ];
  for (const line of lines) stdoutSink(line);
}

/** The apps' ports are fixed (the console URL is known); a taken port is an error, not a silent clash. */
async function assertAppPortsFree(config: AppConfig, appNames: string[]): Promise<void> {
  const ports: Record<string, number> = {
    api: config.API_PORT,
    'alert-service': config.ALERT_SERVICE_PORT,
    'camera-gateway': config.GATEWAY_PORT,
    'camera-sim': config.SIM_PORT,
  };
  const taken: string[] = [];
  for (const name of appNames) {
    const port = ports[name];
    if (port !== undefined && !(await isPortFree(port))) taken.push(`${name} needs port ${port}`);
  }
  if (taken.length) {
    const suggestion = await findFreePort(3100);
    throw new Error(
      `ports in use: ${taken.join(', ')}. Stop whatever holds them (another npm start?) or move the app, e.g. API_PORT=${suggestion}`,
    );
  }
}

/** Hides the password of a URL the launcher prints (`redis://:secret@…` has no user name). */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

/** Children first (they hold connections), then Redis and PostgreSQL; exit when all are gone. */
function shutdown(code: number, reason: string): Promise<void> {
  if (shutdownPromise) return shutdownPromise;
  say(`${reason}: stopping (Ctrl-C again to kill immediately)`);
  shutdownPromise = (async () => {
    // Startup may be between steps; its next checkpoint() throws, nothing new is started.
    try {
      // A data service that stops while we shut down is not restarted.
      await Promise.all(started.watchdogs.map((w) => w.stop()));
      await started.supervisor?.stopAll();
      started.registry?.clear();
      await Promise.all([started.redis?.stop(), started.db?.stop()]);
    } catch (error) {
      say(`error while stopping: ${(error as Error).message}`);
      code = code || 1;
    }
    if (varDir) releaseLauncherLock(varDir);
    say('stopped');
    process.exit(code);
  })();
  return shutdownPromise;
}

function forceKill(): void {
  say('killing everything now');
  for (const w of started.watchdogs) void w.stop();
  started.supervisor?.killAll();
  started.redis?.kill();
  started.db?.kill();
  if (varDir) releaseLauncherLock(varDir);
  process.exit(130);
}

let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  // One Ctrl-C can arrive twice (from the terminal and forwarded by npm); only a later one forces.
  if (signalCount > 0 && Date.now() - firstSignalAt < 500) return;
  signalCount++;
  if (signalCount > 1) return forceKill();
  firstSignalAt = Date.now();
  void shutdown(0, `received ${signal}`);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

// `npm start` stopped with SIGTERM (by a supervisor or `kill`) exits without passing the signal on,
// and a parent killed outright cannot pass anything: an orphaned launcher would keep the whole
// stack running with nobody left to stop it. Orphans are re-parented, so a changed ppid means that.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(0, 'parent process exited');
}, 1000).unref();
process.on('uncaughtException', (error) => {
  say(`launcher crashed: ${error.stack ?? error.message}`);
  void shutdown(1, 'crash');
});
process.on('unhandledRejection', (error) => {
  say(`launcher crashed: ${(error as Error)?.stack ?? String(error)}`);
  void shutdown(1, 'crash');
});

startStack().catch((error: unknown) => {
  if (error instanceof Aborted) return;
  if (error instanceof RedisUnavailableError) {
    for (const line of error.message.split('\n')) say(line);
  } else {
    say(`startup failed: ${(error as Error)?.stack ?? String(error)}`);
  }
  void shutdown(1, 'startup failed');
});
