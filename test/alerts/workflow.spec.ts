import type {
  AlertConflict,
  AlertDetailView,
  AlertView,
  Page,
  SyncResult,
  UnitView,
} from '@xueliang/contracts';
import { Client } from 'pg';
import { bodyOf, login, type Session } from '../support/api';
import {
  addCamera,
  AlertStack,
  cameraEvent,
  connect,
  Place,
  record,
  startAlertStack,
  until,
} from './support';

describe('the alert loop over REST and socket.io', () => {
  let stack: AlertStack;
  let where: Place;
  let camera: string;
  let duty: Session;
  let dispatcher: Session;
  let supervisor: Session;
  let responder: Session;

  beforeAll(async () => {
    stack = await startAlertStack();
    where = stack.where;
    camera = await addCamera(stack.pg, where.village1);
    [duty, dispatcher, supervisor, responder] = await Promise.all(
      ['duty_t1', 'dispatcher_t1', 'supervisor', 'responder_t1'].map((u) => login(stack.api, u)),
    );
  });
  afterAll(async () => {
    await stack.close();
  });

  async function raise(title = '人员翻越围墙'): Promise<AlertView> {
    const res = await duty.call('/api/alerts', {
      method: 'POST',
      json: { type: 'intrusion', priority: 'high', title, regionId: where.village1.id, cameraId: camera },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as AlertView;
  }

  async function cmd(s: Session, alert: AlertView, command: string, body: object = {}): Promise<Response> {
    return s.call(`/api/alerts/${alert.id}/${command}`, {
      method: 'POST',
      json: { version: alert.version, ...body },
    });
  }

  async function ok(s: Session, alert: AlertView, command: string, body: object = {}): Promise<AlertView> {
    const res = await cmd(s, alert, command, body);
    if (res.status !== 200) throw new Error(`${command}: ${res.status} ${await res.text()}`);
    return (await res.json()) as AlertView;
  }

  it('runs NEW → … → CLOSED with a timeline, audit and a push for every step', async () => {
    const units = (await (await dispatcher.call('/api/units')).json()) as UnitView[];
    const gridTeam = units.find((u) => u.kind === 'grid_team')!;
    const socket = await stack.live(duty.accessToken);
    const seen = record(socket);

    let a = await raise();
    expect(a.status).toBe('NEW');
    expect(a.source).toBe('manual');
    expect(a.instructions).not.toBe('');
    a = await ok(duty, a, 'ack', { note: '已核实画面' });
    a = await ok(dispatcher, a, 'dispatch', { unitId: gridTeam.id });
    expect(a.assignedUnitName).toBe(gridTeam.name);
    a = await ok(responder, a, 'accept');
    a = await ok(responder, a, 'arrive');
    a = await ok(responder, a, 'resolve', { outcome: '已劝离' });
    a = await ok(supervisor, a, 'follow-up', { satisfaction: 5 });
    a = await ok(supervisor, a, 'close');
    expect(a.status).toBe('CLOSED');
    expect(a.outcome).toBe('已劝离');

    const detail = (await (await supervisor.call(`/api/alerts/${a.id}`)).json()) as AlertDetailView;
    expect(detail.timeline.map((t) => t.action)).toEqual([
      'create',
      'ack',
      'dispatch',
      'accept',
      'arrive',
      'resolve',
      'follow-up',
      'close',
    ]);
    expect(detail.timeline[1]).toMatchObject({
      fromStatus: 'NEW',
      toStatus: 'ACKNOWLEDGED',
      note: '已核实画面',
    });
    expect(detail.timeline[1].actorName).toBe(duty.user.displayName);
    const audit = await stack.pg.query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
      a.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toContain('alert.dispatch');
    await until('pushes for every step', () => seen.updated.filter((m) => m.alert.id === a.id).length >= 7);
    const versions = seen.updated.filter((m) => m.alert.id === a.id).map((m) => m.alert.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });

  it('refuses each illegal transition with 409 naming the state, and wrong roles with 403', async () => {
    let a = await raise();
    const illegal = await cmd(dispatcher, a, 'dispatch', { unitId: '00000000-0000-4000-8000-000000000000' });
    expect(illegal.status).toBe(409);
    const body = (await illegal.json()) as AlertConflict;
    expect(body.reason).toBe('illegal_transition');
    expect(body.message).toBe('cannot dispatch an alert that is NEW');
    expect(body.alert.id).toBe(a.id);
    for (const [command, extra] of [
      ['accept', {}],
      ['arrive', {}],
      ['close', {}],
      ['reopen', { note: 'x' }],
      ['follow-up', { satisfaction: 3 }],
    ] as const) {
      // The supervisor may not accept or arrive at all (403); the rest are refused by state (409).
      const res = await cmd(supervisor, a, command, extra);
      expect([command, res.status]).toEqual([
        command,
        command === 'accept' || command === 'arrive' ? 403 : 409,
      ]);
    }
    expect((await cmd(responder, a, 'ack')).status).toBe(403);
    const admin = await login(stack.api, 'admin');
    expect((await cmd(admin, a, 'ack')).status).toBe(403);

    a = await ok(duty, a, 'dismiss', { reason: '误报：树影晃动' });
    expect(a.status).toBe('DISMISSED');
    const again = await cmd(duty, a, 'ack');
    expect(again.status).toBe(409);
    expect(((await again.json()) as AlertConflict).message).toMatch(/DISMISSED/);
    // Comments are allowed in every state and need no version.
    const note = await duty.call(`/api/alerts/${a.id}/comment`, {
      method: 'POST',
      json: { note: '已通知物业' },
    });
    expect(note.status).toBe(200);
  });

  it('a responder acts only on alerts assigned to them or their unit subtree', async () => {
    let a = await raise();
    a = await ok(duty, a, 'ack');
    const countyUnits = (await (await supervisor.call('/api/units')).json()) as UnitView[];
    const countyUnit = countyUnits.find((u) => u.regionName === '丹霞县')!;
    a = await ok(supervisor, a, 'dispatch', { unitId: countyUnit.id });
    const res = await cmd(responder, a, 'accept');
    expect(res.status).toBe(403);
    expect((await bodyOf(res)).message).toMatch(/assigned/);
    a = await ok(supervisor, a, 'dispatch', { userId: responder.user.id });
    expect((await cmd(responder, a, 'accept')).status).toBe(200);
  });

  it('dispatching outside both the alert region and the dispatcher scope is 403', async () => {
    let a = await raise();
    a = await ok(duty, a, 'ack');
    const all = (await (await supervisor.call('/api/units')).json()) as UnitView[];
    const otherTownship = all.find((u) => u.regionName === '位奇镇')!;
    const res = await cmd(dispatcher, a, 'dispatch', { unitId: otherTownship.id });
    expect(res.status).toBe(403);
  });

  it('two concurrent dispatches: exactly one 200 and one 409 carrying the current alert', async () => {
    let a = await raise();
    a = await ok(duty, a, 'ack');
    const units = (await (await dispatcher.call('/api/units')).json()) as UnitView[];
    const [u1, u2] = units;
    const results = await Promise.all([
      cmd(dispatcher, a, 'dispatch', { unitId: u1.id }),
      cmd(supervisor, a, 'dispatch', { unitId: u2.id }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    const conflict = (await loser.json()) as AlertConflict;
    expect(conflict.reason).toBe('stale_version');
    expect(conflict.alert.version).toBe(a.version + 1);
    expect(conflict.alert.status).toBe('DISPATCHED');
    // Timeline holds one dispatch only.
    const detail = (await (await supervisor.call(`/api/alerts/${a.id}`)).json()) as AlertDetailView;
    expect(detail.timeline.filter((t) => t.action === 'dispatch')).toHaveLength(1);
  });

  it('bad command bodies are 400 naming the field', async () => {
    const a = await raise();
    const cases: [string, object, RegExp][] = [
      ['ack', {}, /^version/],
      ['ack', { version: 'one' }, /^version/],
      ['dispatch', { version: a.version }, /^unitId: name a response unit or a responder/],
      ['dispatch', { version: a.version, unitId: 'not-a-uuid' }, /^unitId/],
      ['resolve', { version: a.version, outcome: '' }, /^outcome/],
      ['follow-up', { version: a.version, satisfaction: 9 }, /^satisfaction/],
      ['dismiss', { version: a.version }, /^reason/],
    ];
    for (const [command, json, message] of cases) {
      const res = await duty.call(`/api/alerts/${a.id}/${command}`, { method: 'POST', json });
      const body = await bodyOf(res);
      expect([command, res.status, body.message]).toEqual([command, 400, expect.stringMatching(message)]);
    }
    expect((await duty.call(`/api/alerts/${a.id}/teleport`, { method: 'POST', json: {} })).status).toBe(404);
    const raiseBad = await duty.call('/api/alerts', {
      method: 'POST',
      json: { type: 'intrusion', priority: 'urgent' },
    });
    expect(raiseBad.status).toBe(400);
    expect((await bodyOf(raiseBad)).message).toMatch(/priority/);
  });

  it('escalation moves the alert to the parent region; the township no longer owns it', async () => {
    let a = await raise('需要县里协调');
    a = await ok(duty, a, 'ack');
    a = await ok(duty, a, 'escalate', { note: '超出镇级处置能力' });
    // village → township (清泉镇)
    expect(a.regionId).toBe(where.t1.id);
    expect(a.escalationLevel).toBe(1);
    a = await ok(duty, a, 'escalate');
    expect(a.regionId).toBe(where.countyId);
    expect((await duty.call(`/api/alerts/${a.id}`)).status).toBe(404);
    const county = await login(stack.api, 'duty');
    expect((await county.call(`/api/alerts/${a.id}`)).status).toBe(200);
    const top = await cmd(county, a, 'escalate');
    expect(top.status).toBe(409);
  });

  it('lists with filters and keyset pages, region-scoped', async () => {
    for (let i = 0; i < 5; i++) await raise(`分页测试 ${i}`);
    const first = (await (await duty.call('/api/alerts?q=分页测试&limit=2')).json()) as Page<AlertView>;
    expect(first.items).toHaveLength(2);
    const ids = new Set(first.items.map((x) => x.id));
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await (
        await duty.call(`/api/alerts?q=分页测试&limit=2&cursor=${cursor}`)
      ).json()) as Page<AlertView>;
      page.items.forEach((x) => ids.add(x.id));
      cursor = page.nextCursor;
    }
    expect(ids.size).toBe(5);
    const open = (await (
      await duty.call('/api/alerts?status=open&type=intrusion')
    ).json()) as Page<AlertView>;
    expect(
      open.items.every((x) =>
        ['NEW', 'ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED', 'ON_SCENE'].includes(x.status),
      ),
    ).toBe(true);
    const dismissed = (await (
      await duty.call('/api/alerts?status=DISMISSED,CLOSED')
    ).json()) as Page<AlertView>;
    expect(dismissed.items.length).toBeGreaterThan(0);
    expect((await duty.call('/api/alerts?status=LOST')).status).toBe(400);
    expect((await duty.call('/api/alerts?cursor=bogus')).status).toBe(400);
    expect((await duty.call(`/api/alerts?regionId=${where.t2.id}`)).status).toBe(404);
    const byCamera = (await (
      await duty.call(`/api/alerts?cameraId=${camera}&limit=500`)
    ).json()) as Page<AlertView>;
    expect(byCamera.items.every((x) => x.cameraId === camera)).toBe(true);
    // Another township's officer sees none of these.
    const admin = await login(stack.api, 'admin');
    await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: 'duty_t2w',
        displayName: '位奇镇值班',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: where.t2.id,
      },
    });
    const t2 = await login(stack.api, 'duty_t2w', 'password123');
    const none = (await (await t2.call('/api/alerts?q=分页测试')).json()) as Page<AlertView>;
    expect(none.items).toHaveLength(0);
  });

  it('a reconnecting console receives what it missed through sync, filtered to its scope', async () => {
    const socket = await connect(stack.api.url, duty.accessToken);
    const start = await new Promise<SyncResult>((resolve) => socket.emit('sync', {}, resolve));
    socket.disconnect();
    // Missed while away: a township alert and a change to it, plus an alert elsewhere.
    let a = await raise('断线期间');
    a = await ok(duty, a, 'ack');
    const other = await addCamera(stack.pg, where.t2, '位奇镇摄像机');
    await stack.enqueue(cameraEvent(other, 'away'));
    await until(
      'other township alert',
      async () => (await stack.pg.query('SELECT 1 FROM alerts WHERE camera_id = $1', [other])).rowCount,
    );

    const back = await stack.live(duty.accessToken);
    const missed = await new Promise<SyncResult>((resolve) =>
      back.emit('sync', { since: start.lastSeq }, resolve),
    );
    expect(missed.truncated).toBe(false);
    const mine = missed.changes.filter((c) => c.message.alert.id === a.id);
    expect(mine.map((c) => c.event)).toEqual(['alert.created', 'alert.updated']);
    expect(mine[1].message.alert.status).toBe('ACKNOWLEDGED');
    expect(missed.changes.some((c) => c.message.alert.cameraId === other)).toBe(false);
    expect(BigInt(missed.lastSeq)).toBeGreaterThan(BigInt(start.lastSeq));

    const county = await login(stack.api, 'duty');
    const cs = await stack.live(county.accessToken);
    const countyMissed = await new Promise<SyncResult>((resolve) =>
      cs.emit('sync', { since: start.lastSeq }, resolve),
    );
    expect(countyMissed.changes.some((c) => c.message.alert.cameraId === other)).toBe(true);
  });

  it('a sync also returns a change that committed after a higher-numbered one was pushed', async () => {
    // Seqs are taken inside transactions: change A gets the lower seq but commits last. A console
    // that already holds B's seq (its push arrived) and whose push of A was lost must still get A.
    const alert = await raise('提交顺序');
    const path = (
      await stack.pg.query<{ path: string }>('SELECT region_path AS path FROM alerts WHERE id = $1', [
        alert.id,
      ])
    ).rows[0].path;
    const insert =
      'INSERT INTO alert_changes (alert_id, event, region_path, payload) VALUES ($1, $2, $3, $4) RETURNING seq::text AS seq';
    const late = new Client({ connectionString: stack.api.databaseUrl });
    await late.connect();
    try {
      await late.query('BEGIN');
      const a = (
        await late.query<{ seq: string }>(insert, [
          alert.id,
          'alert.updated',
          path,
          { ...alert, version: 90 },
        ])
      ).rows[0].seq;
      const b = (
        await stack.pg.query<{ seq: string }>(insert, [
          alert.id,
          'alert.updated',
          path,
          { ...alert, version: 91 },
        ])
      ).rows[0].seq;
      expect(BigInt(a)).toBeLessThan(BigInt(b));
      const socket = await connect(stack.api.url, duty.accessToken);
      const sync = (since: string): Promise<SyncResult> =>
        new Promise((resolve) => socket.emit('sync', { since }, resolve));
      expect((await sync(b)).changes.map((c) => c.message.seq)).not.toContain(a);
      await late.query('COMMIT');
      const again = await sync(b);
      expect(again.changes.map((c) => c.message.seq)).toContain(a);
      expect(again.lastSeq).toBe(b);
      socket.disconnect();
    } finally {
      await late.end();
    }
  });

  it('a socket without a valid token is refused', async () => {
    await expect(connect(stack.api.url, 'nonsense')).rejects.toThrow(/invalid access token/);
  });
});
