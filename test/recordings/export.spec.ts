import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type {
  ExportPublicKeyView,
  ExportVerification,
  ExportView,
  SignedManifest,
} from '@xueliang/contracts';
import { AuditEntry, Camera, RecordingExport } from '@xueliang/db';
import { createRedis } from '@xueliang/platform';
import { RECORDING_EXPORTS_QUEUE } from '@xueliang/queue';
import { runVerifyExport } from '../../apps/api/src/exports/verify-export.cli';
import { bodyOf, login, type Session, type TestApi } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { failedJob } from '../support/wait';
import { until } from '../cameras/support';
import {
  cloneUser,
  type EvidenceStack,
  probeMp4,
  type RecordedFixture,
  startEvidenceStack,
} from './support-export';

const BASE = new Date('2026-11-30T10:00:00.000Z');

// Bounds for a loaded CI box (ffmpeg, RTSP and PostgreSQL share two cores), not speed assertions.
jest.setTimeout(180_000);

describe('evidence export: MP4 in copy mode with a signed manifest', () => {
  let stack: EvidenceStack;
  let api: TestApi;
  let db: DataSource;
  let cameras: Camera[];
  let tmp: string;
  let recordingsDir: string;
  let fixtures: RecordedFixture[];
  let duty: Session;
  let dutyT1: Session;
  let supervisor: Session;
  let supervisorT1: Session;
  let dispatcher: Session;
  let queue: Queue;

  beforeAll(async () => {
    // The third camera belongs to another township.
    stack = await startEvidenceStack({ name: 'export', count: 3, exportWorker: true, otherTownship: 2 });
    ({ api, db, cameras, tmp, recordingsDir } = stack);
    await cloneUser(db, 'duty_t1', 'supervisor_t1', ['supervisor']);
    fixtures = await Promise.all(cameras.map((_, i) => stack.record(i, BASE)));
    [duty, dutyT1, supervisor, supervisorT1, dispatcher] = await Promise.all(
      ['duty', 'duty_t1', 'supervisor', 'supervisor_t1', 'dispatcher'].map((u) => login(api, u)),
    );
    queue = new Queue(RECORDING_EXPORTS_QUEUE, {
      connection: createRedis(TEST_REDIS_URL),
      prefix: api.redisPrefix,
    });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    await stack?.close();
  });

  const at = (base: Date, seconds: number): string => new Date(base.getTime() + seconds * 1000).toISOString();

  async function startExport(s: Session, body: unknown): Promise<ExportView> {
    const res = await s.call('/api/exports', { method: 'POST', json: body });
    if (res.status !== 202) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as ExportView;
  }

  async function finished(s: Session, id: string): Promise<ExportView> {
    return until(
      `export ${id} finished`,
      async () => {
        const v = (await (await s.call(`/api/exports/${id}`)).json()) as ExportView;
        return v.status === 'done' || v.status === 'failed' ? v : null;
      },
      90_000,
    );
  }

  /** Downloads every file of an export through the api into a directory of its own. */
  async function download(s: Session, v: ExportView): Promise<string> {
    const dir = path.join(tmp, `dl-${v.id}-${Math.random().toString(36).slice(2, 6)}`);
    await mkdir(dir, { recursive: true });
    for (const name of [...v.files.map((f) => f.name), 'manifest.json']) {
      const res = await s.call(`/api/exports/${v.id}/files/${name}`);
      expect(res.status).toBe(200);
      await writeFile(path.join(dir, name), Buffer.from(await res.arrayBuffer()));
    }
    return dir;
  }

  async function verifyThroughApi(s: Session, dir: string, names: string[]): Promise<ExportVerification> {
    const form = new FormData();
    form.append('manifest', new Blob([await readFile(path.join(dir, 'manifest.json'))]), 'manifest.json');
    for (const n of names) form.append('files', new Blob([await readFile(path.join(dir, n))]), n);
    const res = await s.call('/api/exports/verify', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    return (await res.json()) as ExportVerification;
  }

  async function cli(args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await runVerifyExport(args, {
      out: (l) => (out += `${l}\n`),
      err: (l) => (out += `${l}\n`),
    });
    return { code, out };
  }

  let single: ExportView;
  let singleDir: string;

  it('exports one camera as a faststart MP4 of the range with a manifest that verifies (API and CLI)', async () => {
    const f = fixtures[0];
    const from = at(f.from, 3);
    const to = at(f.from, 9);
    const created = await startExport(duty, {
      items: [{ cameraId: f.cameraId, from, to, stream: 'sub' }],
      reason: '案件调查 2026-118',
    });
    expect(created.status).toBe('queued');
    single = await finished(duty, created.id);
    expect(single).toMatchObject({ status: 'done', progress: 1, error: null });
    expect(single.files).toHaveLength(1);
    singleDir = await download(duty, single);
    const mp4 = path.join(singleDir, single.files[0].name);
    const probe = await probeMp4(mp4);
    expect(probe.codec).toBe('h264');
    // Copy mode starts on the keyframe at or before `from`: within a GOP (1 s) of the range.
    expect(Math.abs(probe.duration - 6)).toBeLessThan(1.5);
    expect(probe.boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(probe.boxes.indexOf('moov')).toBeLessThan(probe.boxes.indexOf('mdat'));

    const signed = JSON.parse(
      await readFile(path.join(singleDir, 'manifest.json'), 'utf8'),
    ) as SignedManifest;
    const key = (await (await fetch(`${api.url}/api/exports/public-key`)).json()) as ExportPublicKeyView;
    expect(signed.manifest.platform.keyId).toBe(key.keyId);
    expect(signed.manifest).toMatchObject({ exportId: single.id, reason: '案件调查 2026-118' });
    const file = signed.manifest.files[0];
    expect(file).toMatchObject({ cameraId: f.cameraId, stream: 'sub', from, to, blockSize: 1024 * 1024 });
    // The segments it was cut from, with their chain hashes.
    const overlapping = f.segments.filter(
      (s) => s.startAt.getTime() < Date.parse(to) && s.endAt.getTime() > Date.parse(from),
    );
    expect(file.segments.map((s) => s.sha256)).toEqual(overlapping.map((s) => s.sha256));

    const verified = await verifyThroughApi(duty, singleDir, [file.name]);
    expect(verified).toEqual({
      signatureValid: true,
      signedByThisPlatform: true,
      files: [{ name: file.name, intact: true }],
    });
    const keyFile = path.join(tmp, 'platform.pem');
    await writeFile(keyFile, key.publicKey);
    expect((await cli([singleDir, '--public-key', keyFile])).code).toBe(0);
    expect((await cli([path.join(singleDir, 'manifest.json')])).code).toBe(0);
  });

  it('exports two cameras into one signed export', async () => {
    const [a, b] = fixtures;
    const created = await startExport(supervisor, {
      items: [
        { cameraId: a.cameraId, from: at(a.from, 1), to: at(a.from, 7) },
        { cameraId: b.cameraId, from: at(b.from, 2), to: at(b.from, 10), stream: 'sub' },
      ],
      reason: '两路联合取证',
    });
    const done = await finished(supervisor, created.id);
    expect(done.status).toBe('done');
    expect(done.files.map((f) => f.cameraId)).toEqual([a.cameraId, b.cameraId]);
    const dir = await download(supervisor, done);
    const durations = await Promise.all(
      done.files.map(async (f) => (await probeMp4(path.join(dir, f.name))).duration),
    );
    expect(Math.abs(durations[0] - 6)).toBeLessThan(1.5);
    expect(Math.abs(durations[1] - 8)).toBeLessThan(1.5);
    const verified = await verifyThroughApi(
      supervisor,
      dir,
      done.files.map((f) => f.name),
    );
    expect(verified.signatureValid && verified.signedByThisPlatform).toBe(true);
    expect(verified.files.every((f) => f.intact)).toBe(true);
    expect((await cli([dir])).code).toBe(0);
  });

  it('finds one flipped byte and names its byte range; reports a missing file', async () => {
    const name = single.files[0].name;
    const dir = path.join(tmp, 'flipped');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'manifest.json'), await readFile(path.join(singleDir, 'manifest.json')));
    const data = await readFile(path.join(singleDir, name));
    const offset = Math.floor(data.length * 0.6);
    data[offset] ^= 0xff;
    await writeFile(path.join(dir, name), data);

    const verified = await verifyThroughApi(duty, dir, [name]);
    expect(verified.signatureValid).toBe(true);
    const file = verified.files[0];
    expect(file.intact).toBe(false);
    const block = Math.floor(offset / (1024 * 1024)) * 1024 * 1024;
    expect(file.alteredRanges).toEqual([{ start: block, end: Math.min(block + 1024 * 1024, data.length) }]);
    const run = await cli([dir]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/ALTERED/);

    const missing = await verifyThroughApi(duty, dir, []);
    expect(missing.files).toEqual([expect.objectContaining({ name, intact: false, missing: true })]);
  });

  it('rejects an edited manifest: the signature no longer matches', async () => {
    const dir = path.join(tmp, 'edited');
    await mkdir(dir, { recursive: true });
    const name = single.files[0].name;
    const signed = JSON.parse(
      await readFile(path.join(singleDir, 'manifest.json'), 'utf8'),
    ) as SignedManifest;
    signed.manifest.reason = '另一个理由';
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(signed));
    await writeFile(path.join(dir, name), await readFile(path.join(singleDir, name)));
    const verified = await verifyThroughApi(duty, dir, [name]);
    expect(verified.signatureValid).toBe(false);
    expect(verified.signedByThisPlatform).toBe(false);
    expect((await cli([dir])).code).toBe(1);
    expect((await cli([])).code).toBe(2);
    expect((await cli([path.join(tmp, 'nowhere')])).code).toBe(2);
  });

  it('refuses to export a segment whose file no longer matches its index hash, and keeps the failed job', async () => {
    const f = fixtures[1];
    const victim = f.segments[f.segments.length - 1];
    const file = path.join(recordingsDir, victim.path);
    const original = await readFile(file);
    const altered = Buffer.from(original);
    altered[Math.floor(altered.length / 2)] ^= 0x01;
    await writeFile(file, altered);
    try {
      const created = await startExport(duty, {
        items: [{ cameraId: f.cameraId, from: victim.startAt.toISOString(), to: victim.endAt.toISOString() }],
        reason: '篡改检测',
      });
      const done = await finished(duty, created.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/no longer matches its index hash/);
      expect(done.files).toEqual([]);
      const job = await failedJob(queue, created.id);
      expect(job.failedReason).toMatch(/no longer matches/);
    } finally {
      await writeFile(file, original);
    }
  });

  it('keeps exports within region and owner: township users, other users, roles', async () => {
    const [own, , foreign] = fixtures;
    const foreignItem = { cameraId: foreign.cameraId, from: at(foreign.from, 1), to: at(foreign.from, 5) };
    // Another township's camera: as if it did not exist.
    const refused = await dutyT1.call('/api/exports', {
      method: 'POST',
      json: { items: [foreignItem], reason: 'x' },
    });
    expect(refused.status).toBe(404);
    // Mixed with one of their own: still refused as a whole.
    const mixed = await dutyT1.call('/api/exports', {
      method: 'POST',
      json: {
        items: [{ cameraId: own.cameraId, from: at(own.from, 1), to: at(own.from, 3) }, foreignItem],
        reason: 'x',
      },
    });
    expect(mixed.status).toBe(404);
    // Roles without export.
    expect(
      (await dispatcher.call('/api/exports', { method: 'POST', json: { items: [foreignItem], reason: 'x' } }))
        .status,
    ).toBe(403);

    // The county duty officer exports the foreign township's camera.
    const county = await finished(
      duty,
      (await startExport(duty, { items: [foreignItem], reason: '县级调阅' })).id,
    );
    expect(county.status).toBe('done');
    const name = county.files[0].name;
    for (const s of [dutyT1, supervisorT1]) {
      expect((await s.call(`/api/exports/${county.id}`)).status).toBe(404);
      expect((await s.call(`/api/exports/${county.id}/files/${name}`)).status).toBe(404);
      expect((await s.call(`/api/exports/${county.id}/files/manifest.json`)).status).toBe(404);
      expect(((await (await s.call('/api/exports')).json()) as ExportView[]).map((e) => e.id)).not.toContain(
        county.id,
      );
    }
    expect((await supervisorT1.call(`/api/exports/${county.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await dutyT1.call(`/api/exports/${county.id}`, { method: 'DELETE' })).status).toBe(403);

    // Another user's export of the township's own camera: a duty officer does not see it, the
    // township supervisor does.
    expect((await dutyT1.call(`/api/exports/${single.id}`)).status).toBe(404);
    expect((await dutyT1.call(`/api/exports/${single.id}/files/${single.files[0].name}`)).status).toBe(404);
    expect((await supervisorT1.call(`/api/exports/${single.id}`)).status).toBe(200);
    // Guessed names never reach the disk.
    expect((await duty.call(`/api/exports/${single.id}/files/..%2F..%2Fsecrets.json`)).status).toBe(404);
    expect((await duty.call(`/api/exports/${single.id}/files/other.mp4`)).status).toBe(404);
    expect((await duty.call(`/api/exports/not-a-uuid`)).status).toBe(400);

    // Deleting removes the files and keeps the row; the county supervisor may, audited.
    const del = await supervisor.call(`/api/exports/${county.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await duty.call(`/api/exports/${county.id}`)).status).toBe(404);
    expect((await duty.call(`/api/exports/${county.id}/files/${name}`)).status).toBe(404);
    const row = await db.getRepository(RecordingExport).findOneByOrFail({ id: county.id });
    expect(row.deletedAt).not.toBeNull();
    await expect(readFile(path.join(tmp, 'exports', county.id, name))).rejects.toThrow();
  });

  it('audits every export, download, verification and delete', async () => {
    const entries = await db.getRepository(AuditEntry).find({ where: { targetType: 'recording_export' } });
    const actions = new Set(entries.map((e) => e.action));
    for (const a of [
      'recording.export',
      'recording.export.download',
      'recording.export.delete',
      'recording.export.verify',
    ]) {
      expect(actions).toContain(a);
    }
    const download = entries.find(
      (e) => e.action === 'recording.export.download' && e.targetId === single.id,
    );
    expect(download?.actorName).toBe('duty');
    expect(JSON.stringify(entries)).not.toMatch(/sim12345|password/i);
  });

  it('answers bad input with 400 naming the field', async () => {
    const f = fixtures[0];
    const cases: [unknown, string][] = [
      [{ reason: 'x' }, 'items'],
      [{ items: [], reason: 'x' }, 'items'],
      [
        { items: [{ cameraId: 'nope', from: at(f.from, 1), to: at(f.from, 2) }], reason: 'x' },
        'items.0.cameraId',
      ],
      [
        { items: [{ cameraId: f.cameraId, from: at(f.from, 5), to: at(f.from, 2) }], reason: 'x' },
        'items.0.to',
      ],
      [
        { items: [{ cameraId: f.cameraId, from: 'yesterday', to: at(f.from, 2) }], reason: 'x' },
        'items.0.from',
      ],
      [{ items: [{ cameraId: f.cameraId, from: at(f.from, 1), to: at(f.from, 2) }], reason: ' ' }, 'reason'],
      [
        {
          items: [{ cameraId: f.cameraId, from: at(f.from, 1), to: at(f.from, 2), stream: 'x' }],
          reason: 'r',
        },
        'items.0.stream',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await duty.call('/api/exports', { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).issues.map((i) => i.path)).toContain(field);
    }
    // A range without footage is refused before anything is queued.
    const empty = await duty.call('/api/exports', {
      method: 'POST',
      json: {
        items: [{ cameraId: f.cameraId, from: at(f.from, -3600), to: at(f.from, -3500) }],
        reason: 'r',
      },
    });
    expect(empty.status).toBe(422);
    expect((await bodyOf(empty)).issues.map((i) => i.path)).toEqual(['items.0']);
    // Verify without a manifest, or with something that is not JSON.
    const noManifest = await duty.call('/api/exports/verify', { method: 'POST', body: new FormData() });
    expect(noManifest.status).toBe(400);
    const form = new FormData();
    form.append('manifest', new Blob(['not json']), 'manifest.json');
    const notJson = await duty.call('/api/exports/verify', { method: 'POST', body: form });
    expect(notJson.status).toBe(400);
    expect((await bodyOf(notJson)).issues.map((i) => i.path)).toEqual(['manifest']);
    expect((await duty.call('/api/exports?limit=0')).status).toBe(400);
  });
});
