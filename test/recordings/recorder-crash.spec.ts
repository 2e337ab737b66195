import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { CameraFleet } from '../../apps/camera-sim/src/fleet';
import type { Camera } from '@xueliang/db';
import { findFreePort } from '../../apps/launcher/src/launch';
import { buildApps } from '../support/build';
import { createTestDatabase, createTestRedisPrefix, testEnv } from '../support/database';
import {
  FAST_GATEWAY_ENV,
  insertSimCameras,
  openDb,
  pidAlive,
  startFleet,
  startTestGateway,
  type TestGateway,
  until,
} from '../cameras/support';
import { gapsOf, indexProblems, segmentsOf, unexplainedHoles } from './support-recorder';

const ROOT = resolve(__dirname, '../..');
const MAIN = resolve(ROOT, 'dist/apps/camera-gateway/src/main.js');

const RECORDING_ENV: NodeJS.ProcessEnv = {
  RECORDING_DEFAULT_MODE: 'continuous',
  RECORDING_DEFAULT_STREAM: 'sub',
  RECORDING_SEGMENT_SECONDS: '2',
  RECORDING_RESTART_BASE_MS: '200',
  // Longer than the other suites' 1.5 s: on a loaded machine a lease that lapses and comes back
  // moves the camera before the kill, and the test would then see a handover, not a crash.
  LEASE_TTL_MS: '6000',
};

/**
 * A built gateway killed with SIGKILL while it records (as a crash or the OOM killer would): its
 * ffmpeg, in a process group of its own, goes on writing as an orphan. The gateway that takes the
 * cameras over stops the orphan, indexes what was closed, trims the truncated last segment or
 * deletes it, and records the hole; the index never points at a missing or truncated file.
 */
describe('recorder: a gateway killed mid-segment', () => {
  let fleet: CameraFleet;
  let db: DataSource;
  let cameras: Camera[];
  let child: ChildProcess | undefined;
  let survivor: TestGateway | undefined;
  const root = mkdtempSync(join(os.tmpdir(), 'xl-rec-crash-'));
  let output = '';

  beforeAll(async () => {
    buildApps('camera-gateway');
    fleet = await startFleet({ count: 2, ptzEvery: 0 });
    const databaseUrl = await createTestDatabase();
    const prefix = createTestRedisPrefix();
    Object.assign(process.env, testEnv(databaseUrl, prefix), RECORDING_ENV, { RECORDINGS_DIR: root });
    db = await openDb(databaseUrl);
    cameras = await insertSimCameras(db, fleet);
  }, 120_000);

  afterAll(async () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await survivor?.close().catch(() => undefined);
    await db?.destroy();
    await fleet?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('recovers the dead recorder’s leftovers and records the hole as a gap', async () => {
    const port = await findFreePort(25500);
    child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...FAST_GATEWAY_ENV,
        ...RECORDING_ENV,
        GATEWAY_ID: 'rec-crash-a',
        GATEWAY_PORT: String(port),
        GATEWAY_URL: `http://127.0.0.1:${port}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (b: Buffer): void => {
      output = (output + b.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await until(
      'three segments of every camera from the first gateway',
      async () => {
        if (child?.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
        const rows = await segmentsOf(db);
        return cameras.every((c) => rows.filter((r) => r.cameraId === c.id).length >= 3);
      },
      60_000,
    );
    const orphans = cameras.map((c) => {
      const runs = readdirSync(join(root, '.work', `${c.id}-sub`));
      return { camera: c, runs };
    });
    expect(orphans.every((o) => o.runs.length === 1)).toBe(true);
    const killedAt = Date.now();
    process.kill(-child.pid!, 'SIGKILL');
    await until('the gateway dead', () => !pidAlive(child!.pid!));

    survivor = await startTestGateway('rec-crash-b', RECORDING_ENV);
    // Not just any segment of rec-crash-b after the kill: recovery indexes the orphan's own
    // segments under rec-crash-b while it still works on the dead run. The gap is written (after
    // recovery is done) when the survivor's own run closes its first segment, which ends it.
    await until(
      'the survivor recording every camera with its own run',
      async () => {
        const rows = await segmentsOf(db);
        for (const c of cameras) {
          const gap = (await gapsOf(db, c.id)).find((g) => g.reason === 'gateway_restart');
          if (!gap) return false;
          const own = rows.some(
            (r) =>
              r.cameraId === c.id &&
              r.gatewayId === 'rec-crash-b' &&
              new Date(r.startAt).getTime() >= gap.endAt.getTime(),
          );
          if (!own) return false;
        }
        return true;
      },
      60_000,
    );
    for (const { camera, runs } of orphans) {
      // The dead run's directory is gone: indexed, trimmed or deleted, nothing left behind.
      expect(readdirSync(join(root, '.work', `${camera.id}-sub`))).not.toContain(runs[0]);
      const gaps = await gapsOf(db, camera.id);
      expect(gaps.map((g) => g.reason)).toContain('gateway_restart');
      expect(unexplainedHoles(await segmentsOf(db, camera.id), gaps, 250)).toEqual([]);
      // The orphan kept recording after its gateway died: what it wrote is in the index.
      const dead = (await segmentsOf(db, camera.id)).filter((r) => r.gatewayId === 'rec-crash-b');
      expect(dead.some((r) => new Date(r.startAt).getTime() < killedAt + 500)).toBe(true);
    }
    expect(await indexProblems(db, root)).toEqual([]);
  }, 180_000);
});
