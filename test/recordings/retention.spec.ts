import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { RawEvent, RecordingStorageView } from '@xueliang/contracts';
import { recordingBytesKey, recordingStorageKey } from '@xueliang/gateway-protocol';
import { createRedis } from '@xueliang/platform';
import { eventsQueue } from '@xueliang/queue';
import { RetentionSweeper, STORAGE_FULL_REASON } from '../../apps/camera-gateway/src/recording/retention';
import { StorageGuard } from '../../apps/camera-gateway/src/recording/storage-guard';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL, testEnv } from '../support/database';
import {
  addCameraRow,
  daysAgo,
  Footage,
  minutesAgo,
  type Segment,
  startRetentionGateway,
  tempRecordingsDir,
} from './support-retention';

async function storageAlerts(queue: Queue<RawEvent>): Promise<RawEvent[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
  return jobs.map((j) => j.data).filter((e) => e.type === 'storage_high_water');
}

describe('recording retention: days, quota and evidence locks', () => {
  let pg: Client;
  let redis: Redis;
  let queue: Queue<RawEvent>;
  let prefix: string;
  let township: { id: string; path: string };
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    prefix = createTestRedisPrefix();
    Object.assign(process.env, testEnv(databaseUrl, prefix));
    pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    redis = createRedis(TEST_REDIS_URL);
    queue = eventsQueue(redis, prefix);
    const { rows } = await pg.query<{ id: string; path: string }>(
      `SELECT id, path FROM regions WHERE level = 'township' ORDER BY path LIMIT 1`,
    );
    township = rows[0];
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await queue.close();
    await redis.quit();
    await pg.end();
    delete process.env.GATEWAY_BACKGROUND;
  });

  describe('retention by days', () => {
    let footage: Footage;
    let sweeper: RetentionSweeper;

    beforeAll(async () => {
      const dir = await tempRecordingsDir('days');
      footage = new Footage(pg, dir);
      const app = await startRetentionGateway('gw-days', { RECORDINGS_DIR: dir });
      apps.push(app);
      sweeper = app.get(RetentionSweeper);
    });

    it('deletes unlocked footage past each camera retention, keeps locked ranges, and ignores what other gateways wrote', async () => {
      const a = await addCameraRow(pg, township, '保留测试 A');
      const b = await addCameraRow(pg, township, '保留测试 B');
      // B keeps 7 days by its own policy; A has none: the default 30.
      await pg.query(
        `INSERT INTO recording_policies (camera_id, mode, stream, pre_event_seconds, post_event_seconds, retention_days)
         VALUES ($1, 'continuous', 'sub', 10, 30, 7)`,
        [b],
      );
      const g = 'gw-days';
      const add = (cameraId: string, start: Date, gatewayId = g): Promise<Segment> =>
        footage.add({ cameraId, start, gatewayId });
      const t40 = daysAgo(40);
      const a40 = [
        await add(a, t40),
        await add(a, new Date(t40.getTime() + 4000)),
        await add(a, new Date(t40.getTime() + 8000)),
      ];
      const a40lockedExpired = await add(a, new Date(t40.getTime() + 60_000));
      const a40released = await add(a, new Date(t40.getTime() + 120_000));
      const a10 = await add(a, daysAgo(10));
      const aNow = await add(a, minutesAgo(5));
      const b10 = await add(b, daysAgo(10));
      const b1 = await add(b, daysAgo(1));
      const other40 = await add(a, new Date(t40.getTime() + 12_000), 'gw-elsewhere');

      // Locks: one active over a40[1]; one expired over a40lockedExpired; one released over a40released;
      // an active lock of ANOTHER camera over the same time protects nothing of A.
      const at = (s: Segment, ms = 1000): [Date, Date] => [
        new Date(s.start.getTime() + ms),
        new Date(s.start.getTime() + 2 * ms),
      ];
      await footage.lock([a], ...at(a40[1]));
      await footage.lock([a], ...at(a40lockedExpired), { expiresAt: minutesAgo(1) });
      await footage.lock([a], ...at(a40released), { releasedAt: minutesAgo(1) });
      await footage.lock([b], ...at(a40[2]));
      // An old recorded gap of A goes too; a recent one stays.
      await pg.query(
        `INSERT INTO recording_gaps (camera_id, stream, start_at, end_at, reason) VALUES ($1, 'sub', $2, $3, 'ffmpeg_exit'), ($1, 'sub', $4, $5, 'ffmpeg_exit')`,
        [a, daysAgo(41), daysAgo(40.9), minutesAgo(60), minutesAgo(59)],
      );

      const report = await sweeper.sweep();

      expect(report.condition).toBe('ok');
      expect(report.deletedByQuota).toBe(0);
      expect(report.deletedByRetention).toBe(5);
      expect(await footage.kept([...a40, a40lockedExpired, a40released, a10, aNow, b10, b1])).toEqual([
        false, // past 30 days
        true, // locked
        false, // a lock of another camera protects nothing here
        false, // its lock expired
        false, // its lock was released
        true, // 10 days < 30
        true,
        false, // B keeps 7 days
        true,
      ]);
      // Not this gateway's: its files are on another disk.
      expect(await footage.kept([other40])).toEqual([true]);
      const gaps = await pg.query<{ reason: string }>(
        'SELECT reason FROM recording_gaps WHERE camera_id = $1',
        [a],
      );
      expect(gaps.rowCount).toBe(1);

      // A second sweep finds nothing more to do.
      expect((await sweeper.sweep()).deletedByRetention).toBe(0);
    });

    it('removes stale leftovers of interrupted writes, not fresh ones nor unindexed final segments', async () => {
      const cam = await addCameraRow(pg, township, '残留测试');
      const day = daysAgo(3).toISOString().slice(0, 10);
      const dir = path.join(footage.dir, cam, 'sub', day);
      await fs.mkdir(dir, { recursive: true });
      const stale = path.join(dir, 'rec-000123.ts.part');
      const fresh = path.join(dir, 'rec-000124.ts.part');
      const finalUnindexed = path.join(dir, `${daysAgo(3).getTime()}.ts`);
      for (const f of [stale, fresh, finalUnindexed]) await fs.writeFile(f, 'x');
      const old = daysAgo(2);
      await fs.utimes(stale, old, old);
      await fs.utimes(finalUnindexed, old, old);

      // Leftovers are looked for on the first sweep of a gateway, then every few hours: use a fresh one.
      const app = await startRetentionGateway('gw-leftovers', { RECORDINGS_DIR: footage.dir });
      apps.push(app);
      await app.get(RetentionSweeper).sweep();

      const exists = (f: string) =>
        fs.stat(f).then(
          () => true,
          () => false,
        );
      expect([await exists(stale), await exists(fresh), await exists(finalUnindexed)]).toEqual([
        false,
        true,
        true,
      ]);
    });
  });

  describe('disk quota with water marks', () => {
    let footage: Footage;
    let sweeper: RetentionSweeper;
    let guard: StorageGuard;
    const g = 'gw-quota';
    let cams: string[];

    beforeAll(async () => {
      const dir = await tempRecordingsDir('quota');
      footage = new Footage(pg, dir);
      cams = [
        await addCameraRow(pg, township, '配额 A'),
        await addCameraRow(pg, township, '配额 B'),
        await addCameraRow(pg, township, '配额 C'),
      ];
      // 100 kB quota: high water 90 kB, low water 80 kB; segments of 10 kB.
      const app = await startRetentionGateway(g, {
        RECORDINGS_DIR: dir,
        RECORDING_QUOTA_BYTES: '100000',
        RECORDING_HIGH_WATER: '0.9',
        RECORDING_LOW_WATER: '0.8',
      });
      apps.push(app);
      sweeper = app.get(RetentionSweeper);
      guard = app.get(StorageGuard);
    });

    it('past the high-water mark deletes the oldest unlocked footage whatever its camera, down to the low-water mark', async () => {
      // 12 segments of 10 kB, cameras in turn, a minute apart: 120 kB > 90 kB.
      const base = minutesAgo(120);
      const segs: Segment[] = [];
      for (let i = 0; i < 12; i++) {
        segs.push(
          await footage.add({ cameraId: cams[i % 3], start: minutesAgo(-i, base.getTime()), gatewayId: g }),
        );
      }
      // The oldest (camera A) is evidence.
      await footage.lock([cams[0]], segs[0].start, new Date(segs[0].start.getTime() + 4000));
      // A journal a crash left behind: one row already gone (its file must go), one still indexed (stays).
      const orphan = await footage.add({
        cameraId: cams[1],
        start: minutesAgo(500),
        gatewayId: g,
        bytes: 10,
      });
      await pg.query('DELETE FROM recording_segments WHERE id = $1', [orphan.id]);
      await fs.writeFile(
        path.join(footage.dir, `.retention-journal-${g}.json`),
        JSON.stringify([orphan.path, segs[11].path]),
      );

      const report = await sweeper.sweep();

      expect(report.limits).toEqual({ quotaBytes: 100_000, highWaterBytes: 90_000, lowWaterBytes: 80_000 });
      expect(report.deletedByQuota).toBe(4);
      expect(report.usedBytes).toBe(80_000);
      expect(report.condition).toBe('ok');
      // Kept: the locked oldest, and the 7 newest; gone: the 4 oldest unlocked (cameras B, C, A, B).
      expect(await footage.kept(segs)).toEqual([
        true,
        false,
        false,
        false,
        false,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(footage.onDisk(orphan)).toBe(false);
      expect(guard.isFull()).toBe(false);
      // Normal turnover is the quota doing its job: no alert.
      expect(await storageAlerts(queue)).toEqual([]);

      const stored = await redis.hget(recordingStorageKey(prefix), g);
      const view = JSON.parse(stored!) as RecordingStorageView;
      expect(view).toMatchObject({
        gatewayId: g,
        bytesUsed: 80_000,
        quotaBytes: 100_000,
        highWaterBytes: 90_000,
      });
      expect(view.bytesTotal).toBeGreaterThan(0);
      const perCamera = await redis.hgetall(recordingBytesKey(prefix, g));
      expect(
        Object.values(perCamera)
          .map(Number)
          .reduce((x, y) => x + y, 0),
      ).toBe(80_000);
    });

    it('with only locked footage left past the high-water mark, stops recording and raises one storage alert', async () => {
      // Everything kept so far is locked (all three cameras over the last day), then more footage arrives.
      const lock = await footage.lock(cams, daysAgo(1), new Date(Date.now() + 3_600_000));
      const more: Segment[] = [];
      for (let i = 0; i < 2; i++)
        more.push(await footage.add({ cameraId: cams[i], start: minutesAgo(30 - i), gatewayId: g }));
      const changes: boolean[] = [];
      guard.onChange((full) => changes.push(full));

      const report = await sweeper.sweep();

      expect(report.deletedByQuota).toBe(0);
      expect(report.usedBytes).toBe(100_000);
      expect(report.condition).toBe('full');
      expect(guard.isFull()).toBe(true);
      expect(guard.fullReason()).toBe(STORAGE_FULL_REASON);
      expect(await footage.kept(more)).toEqual([true, true]);
      const alerts = await storageAlerts(queue);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        source: 'system',
        type: 'storage_high_water',
        priority: 'high',
        attributes: { subject: `recordings:${g}`, condition: 'full' },
      });

      // The same condition on the next sweep raises nothing new.
      await sweeper.sweep();
      expect(await storageAlerts(queue)).toHaveLength(1);

      // The lock released: the oldest footage goes again and recording may resume.
      await pg.query('UPDATE evidence_locks SET released_at = now() WHERE id = $1', [lock]);
      const after = await sweeper.sweep();
      expect(after.condition).toBe('ok');
      expect(after.usedBytes).toBeLessThanOrEqual(80_000);
      expect(guard.isFull()).toBe(false);
      expect(changes).toEqual([true, false]);
    });
  });
});
