import type { EvidenceLockView } from '@xueliang/contracts';
import { Client } from 'pg';
import { places, type Place } from '../alerts/support';
import { bodyOf, login, type Session, startApi, type TestApi } from '../support/api';
import { audited, userIn } from './support-admin';
import { addCameraRow } from './support-retention';

const range = { from: '2026-11-30T20:00:00.000Z', to: '2026-11-30T21:00:00.000Z' };

describe('evidence locks: who may lock what, audited', () => {
  let api: TestApi;
  let pg: Client;
  let where: Place;
  let supervisor: Session;
  let townshipSupervisor: Session;
  let t1Camera: string;
  let t2Camera: string;

  beforeAll(async () => {
    api = await startApi();
    pg = new Client({ connectionString: api.databaseUrl });
    await pg.connect();
    where = await places(pg);
    t1Camera = await addCameraRow(pg, where.village1, '清泉镇 村口');
    t2Camera = await addCameraRow(pg, where.t2, '位奇镇 路口');
    supervisor = await login(api, 'supervisor');
    townshipSupervisor = await userIn(api, 'supervisor_t1', 'supervisor', where.t1.id);
  });
  afterAll(async () => {
    await pg.end();
    await api.close();
  });

  const lock = (s: Session, json: unknown) => s.call('/api/evidence-locks', { method: 'POST', json });
  const locks = async (s: Session, query = ''): Promise<EvidenceLockView[]> => {
    const res = await s.call(`/api/evidence-locks${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as EvidenceLockView[];
  };

  it('a supervisor locks cameras over a range with a reason; the lock is listed, audited and released with a reason', async () => {
    const res = await lock(supervisor, { cameraIds: [t1Camera, t2Camera], ...range, reason: '盗窃案调查' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as EvidenceLockView;
    expect(created).toMatchObject({
      cameraIds: [t1Camera, t2Camera],
      ...range,
      reason: '盗窃案调查',
      expiresAt: null,
      createdBy: supervisor.user.id,
      releasedAt: null,
      active: true,
    });
    expect((await locks(supervisor, `?cameraId=${t2Camera}&active=true`)).map((l) => l.id)).toEqual([
      created.id,
    ]);

    const entries = await audited(supervisor, 'evidence.lock');
    expect(entries.map((e) => e.targetId)).toContain(created.id);
    expect(entries.find((e) => e.targetId === created.id)?.detail).toMatchObject({ reason: '盗窃案调查' });

    const noReason = await supervisor.call(`/api/evidence-locks/${created.id}`, {
      method: 'DELETE',
      json: {},
    });
    expect(noReason.status).toBe(400);
    expect((await bodyOf(noReason)).message).toMatch(/^reason:/);

    const released = await supervisor.call(`/api/evidence-locks/${created.id}`, {
      method: 'DELETE',
      json: { reason: '案件已结' },
    });
    expect(released.status).toBe(200);
    expect((await released.json()) as EvidenceLockView).toMatchObject({
      active: false,
      releaseReason: '案件已结',
      releasedByName: supervisor.user.displayName,
    });
    const again = await supervisor.call(`/api/evidence-locks/${created.id}`, {
      method: 'DELETE',
      json: { reason: '再次' },
    });
    expect(again.status).toBe(409);
    expect((await audited(supervisor, 'evidence.unlock')).map((e) => e.targetId)).toEqual([created.id]);
    expect((await locks(supervisor, `?cameraId=${t2Camera}&active=true`)).map((l) => l.id)).toEqual([]);
    expect((await locks(supervisor, `?cameraId=${t2Camera}&active=false`)).map((l) => l.id)).toEqual([
      created.id,
    ]);
  });

  it("a township supervisor cannot lock, see or release another township's cameras and locks", async () => {
    const county = (await (
      await lock(supervisor, { cameraIds: [t2Camera], ...range, reason: '位奇镇案件' })
    ).json()) as EvidenceLockView;
    const spanning = (await (
      await lock(supervisor, { cameraIds: [t1Camera, t2Camera], ...range, reason: '跨镇案件' })
    ).json()) as EvidenceLockView;

    for (const cameraIds of [[t2Camera], [t1Camera, t2Camera]]) {
      const res = await lock(townshipSupervisor, { cameraIds, ...range, reason: '越界锁定' });
      expect(res.status).toBe(404);
    }
    // Nothing was written by the refused attempts.
    const { rows } = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM evidence_locks WHERE reason = '越界锁定'",
    );
    expect(Number(rows[0].n)).toBe(0);

    const own = await lock(townshipSupervisor, { cameraIds: [t1Camera], ...range, reason: '清泉镇案件' });
    expect(own.status).toBe(201);
    const ownLock = (await own.json()) as EvidenceLockView;

    // Lists: the township sees its own lock only (not a lock over another township, nor one spanning two).
    expect((await locks(townshipSupervisor)).map((l) => l.id)).toEqual([ownLock.id]);
    expect((await locks(townshipSupervisor, `?cameraId=${t2Camera}`)).map((l) => l.id)).toEqual([]);
    expect((await locks(supervisor)).map((l) => l.id)).toEqual(
      expect.arrayContaining([ownLock.id, county.id, spanning.id]),
    );

    for (const id of [county.id, spanning.id]) {
      expect((await townshipSupervisor.call(`/api/evidence-locks/${id}`)).status).toBe(404);
      const release = await townshipSupervisor.call(`/api/evidence-locks/${id}`, {
        method: 'DELETE',
        json: { reason: '越界解锁' },
      });
      expect(release.status).toBe(404);
    }
    const stillHeld = await pg.query<{ released_at: Date | null }>(
      'SELECT released_at FROM evidence_locks WHERE id = ANY($1::uuid[])',
      [[county.id, spanning.id]],
    );
    expect(stillHeld.rows.every((r) => r.released_at === null)).toBe(true);
    // The refusals are audited like every other out-of-scope attempt.
    const denials = await audited(supervisor, 'scope.denied');
    expect(denials.filter((d) => d.actorName === 'supervisor_t1').length).toBeGreaterThanOrEqual(6);
  });

  it('only supervisors and admins lock; technicians may read; others not at all', async () => {
    const duty = await login(api, 'duty');
    const technician = await login(api, 'technician');
    const admin = await login(api, 'admin');
    expect((await lock(duty, { cameraIds: [t1Camera], ...range, reason: 'x' })).status).toBe(403);
    expect((await lock(technician, { cameraIds: [t1Camera], ...range, reason: 'x' })).status).toBe(403);
    expect((await duty.call('/api/evidence-locks')).status).toBe(403);
    expect((await technician.call('/api/evidence-locks')).status).toBe(200);
    expect((await lock(admin, { cameraIds: [t1Camera], ...range, reason: '管理员锁定' })).status).toBe(201);
  });

  it.each([
    ['cameraIds', { cameraIds: ['not-a-uuid'], ...range, reason: 'x' }],
    ['cameraIds', { cameraIds: [], ...range, reason: 'x' }],
    [
      'to',
      { cameraIds: ['00000000-0000-4000-8000-000000000000'], from: range.to, to: range.from, reason: 'x' },
    ],
    [
      'from',
      { cameraIds: ['00000000-0000-4000-8000-000000000000'], from: 'yesterday', to: range.to, reason: 'x' },
    ],
    ['reason', { cameraIds: ['00000000-0000-4000-8000-000000000000'], ...range, reason: '  ' }],
    [
      'expiresAt',
      {
        cameraIds: ['00000000-0000-4000-8000-000000000000'],
        ...range,
        reason: 'x',
        expiresAt: '2020-01-01T00:00:00Z',
      },
    ],
  ])('refuses a bad %s with a 400 naming it', async (field, json) => {
    const cameraIds = (json as { cameraIds: string[] }).cameraIds;
    const body =
      cameraIds[0] === '00000000-0000-4000-8000-000000000000' ? { ...json, cameraIds: [t1Camera] } : json;
    const res = await lock(supervisor, body);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).message).toMatch(new RegExp(`^${field}`));
  });

  it('a lock naming an alert must name one the user may see', async () => {
    const res = await lock(supervisor, {
      cameraIds: [t1Camera],
      ...range,
      reason: 'x',
      alertId: '00000000-0000-4000-8000-000000000001',
    });
    expect(res.status).toBe(404);
  });
});
