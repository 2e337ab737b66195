import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ChainVerification } from '@xueliang/contracts';
import { AuditEntry, Camera, RecordingSegment } from '@xueliang/db';
import { bodyOf, login, type Session } from '../support/api';
import { cloneUser, type EvidenceStack, type RecordedFixture, startEvidenceStack } from './support-export';

const BASE = new Date('2026-11-29T08:00:00.000Z');
const DAY = '2026-11-29';

// Bounds for a loaded CI box (ffmpeg, RTSP and PostgreSQL share two cores), not speed assertions.
jest.setTimeout(180_000);

describe('recording hash chain: altered, missing and re-ordered segments', () => {
  let stack: EvidenceStack;
  let db: DataSource;
  let cameras: Camera[];
  let recordingsDir: string;
  let fixture: RecordedFixture;
  let technician: Session;
  let techT1: Session;
  let duty: Session;

  beforeAll(async () => {
    stack = await startEvidenceStack({ name: 'chain', count: 2, exportWorker: false, otherTownship: 1 });
    ({ db, cameras, recordingsDir } = stack);
    await cloneUser(db, 'duty_t1', 'tech_t1', ['technician']);
    fixture = await stack.record(0, BASE);
    [technician, techT1, duty] = await Promise.all(
      ['technician', 'tech_t1', 'duty'].map((u) => login(stack.api, u)),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function verify(s: Session, cameraId = cameras[0].id, day = DAY): Promise<ChainVerification> {
    const res = await s.call(`/api/cameras/${cameraId}/recordings/verify?day=${day}`);
    expect(res.status).toBe(200);
    return (await res.json()) as ChainVerification;
  }

  it('finds an intact chain intact', async () => {
    expect(fixture.segments.length).toBeGreaterThanOrEqual(4);
    const result = await verify(technician);
    expect(result).toEqual({
      cameraId: cameras[0].id,
      day: DAY,
      segments: fixture.segments.length,
      ok: true,
      problems: [],
    });
    // Another day holds nothing, which is not a problem.
    expect(await verify(technician, cameras[0].id, '2026-11-28')).toMatchObject({ segments: 0, ok: true });
  });

  it('reports a segment removed on disk as missing and a changed one as altered', async () => {
    const [, gone, changed] = fixture.segments;
    const gonePath = path.join(recordingsDir, gone.path);
    const changedPath = path.join(recordingsDir, changed.path);
    const original = await readFile(changedPath);
    await rename(gonePath, `${gonePath}.aside`);
    const altered = Buffer.from(original);
    altered[100] ^= 0x80;
    await writeFile(changedPath, altered);
    try {
      const result = await verify(technician);
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => [p.segmentId, p.kind])).toEqual([
        [gone.id, 'missing'],
        [changed.id, 'altered'],
      ]);
      expect(result.problems[0].start).toBe(gone.startAt.toISOString());
    } finally {
      await rename(`${gonePath}.aside`, gonePath);
      await writeFile(changedPath, original);
    }
    expect((await verify(technician)).ok).toBe(true);
  });

  it('reports a segment dropped from the index as a broken link and a re-pointed link as re-ordered', async () => {
    const repo = db.getRepository(RecordingSegment);
    const [first, second, third, fourth] = fixture.segments;
    await repo.delete({ id: second.id });
    await repo.update({ id: fourth.id }, { prevSha256: first.sha256 });
    try {
      const result = await verify(technician);
      expect(result.problems.map((p) => [p.segmentId, p.kind])).toEqual([
        [third.id, 'broken_link'],
        [fourth.id, 'reordered'],
      ]);
    } finally {
      await repo.insert({ ...second });
      await repo.update({ id: fourth.id }, { prevSha256: third.sha256 });
    }
    expect((await verify(technician)).ok).toBe(true);
  });

  it('is for technicians, supervisors and admins, in their region only, and audited', async () => {
    expect((await duty.call(`/api/cameras/${cameras[0].id}/recordings/verify?day=${DAY}`)).status).toBe(403);
    expect((await techT1.call(`/api/cameras/${cameras[1].id}/recordings/verify?day=${DAY}`)).status).toBe(
      404,
    );
    expect((await verify(techT1)).ok).toBe(true);
    const entries = await db.getRepository(AuditEntry).find({ where: { action: 'recording.verify' } });
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.find((e) => e.actorName === 'tech_t1')?.detail).toMatchObject({ day: DAY, ok: true });
  });

  it('answers a bad day or camera id with 400 naming it', async () => {
    for (const day of ['2026-02-30', 'yesterday', '']) {
      const res = await technician.call(`/api/cameras/${cameras[0].id}/recordings/verify?day=${day}`);
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).issues.map((i) => i.path)).toEqual(['day']);
    }
    expect((await technician.call(`/api/cameras/nope/recordings/verify?day=${DAY}`)).status).toBe(400);
  });
});
