import type { AlertView, FailedEventView } from '@xueliang/contracts';
import { bodyOf, login } from '../support/api';
import { failedJob } from '../support/wait';
import {
  addCamera,
  AlertStack,
  cameraEvent,
  countRows,
  LiveClient,
  loginSecondTownshipDuty,
  Place,
  record,
  startAlertStack,
  until,
} from './support';

describe('alert intake: queue → alert-service → PostgreSQL → socket.io', () => {
  let stack: AlertStack;
  let where: Place;

  beforeAll(async () => {
    stack = await startAlertStack();
    where = stack.where;
  });
  afterAll(async () => {
    await stack.close();
  });

  async function live(username: string): Promise<LiveClient> {
    const s = await login(stack.api, username);
    return stack.live(s.accessToken);
  }

  it('pushes alert.created to its township and the county, not to another township', async () => {
    const camera = await addCamera(stack.pg, where.village1);
    const t1 = record(await live('duty_t1'));
    const county = record(await live('duty'));
    const t2 = record(await stack.live((await loginSecondTownshipDuty(stack)).accessToken));

    await stack.enqueue(cameraEvent(camera, 1, { type: 'intrusion' }));
    const msg = await until('t1 alert.created', () => t1.created[0]);
    await until('county alert.created', () => county.created[0]);
    expect(msg.alert.cameraId).toBe(camera);
    expect(msg.alert.type).toBe('intrusion');
    expect(msg.alert.priority).toBe('high');
    expect(msg.alert.status).toBe('NEW');
    expect(msg.alert.instructions).toMatch(/派出所/);
    expect(msg.alert.deadlines.acknowledge).toBeDefined();
    expect(Number(msg.seq)).toBeGreaterThan(0);

    // The t2 socket saw nothing, even after a later t1 alert that it must also not see.
    await stack.enqueue(cameraEvent(camera, 2, { type: 'crowding' }));
    await until('second alert', () => county.created.length === 2);
    expect(t2.created).toHaveLength(0);
    expect(t2.updated).toHaveLength(0);
  });

  it('the same event added twice makes one alert counting one event', async () => {
    const camera = await addCamera(stack.pg, where.village1);
    const event = cameraEvent(camera, 'dup');
    await stack.enqueue(event);
    await stack.enqueue(event);
    // A producer retrying after the job left the queue: the database key still holds.
    await until('first processed', () =>
      countRows(stack.pg, 'SELECT count(*) AS n FROM raw_events WHERE id = $1', [event.id]),
    );
    await stack.events.add('raw-event', event, { jobId: 'manual-retry-of-dup' });
    await until(
      'retry processed',
      async () => (await stack.events.getJobState('manual-retry-of-dup')) === 'completed',
    );
    const { rows } = await stack.pg.query('SELECT event_count FROM alerts WHERE camera_id = $1', [camera]);
    expect(rows).toEqual([{ event_count: 1 }]);
  });

  it('a 1,000-event storm from one camera is one alert counting 1,000', async () => {
    const camera = await addCamera(stack.pg, where.village1);
    await stack.events.addBulk(
      Array.from({ length: 1000 }, (_, i) => {
        const e = cameraEvent(camera, `storm-${i}`);
        return { name: 'raw-event', data: e, opts: { jobId: e.id.replace(/:/g, '|') } };
      }),
    );
    await until(
      'storm counted',
      () =>
        countRows(stack.pg, 'SELECT count(*) AS n FROM raw_events WHERE payload->>$1 = $2', [
          'cameraId',
          camera,
        ]).then((n) => n === 1000),
      120_000,
    );
    const { rows } = await stack.pg.query('SELECT id, event_count FROM alerts WHERE camera_id = $1', [
      camera,
    ]);
    expect(rows.map((r) => r.event_count)).toEqual([1000]);
    // Merges are on the timeline, but not once per event.
    const merges = await countRows(
      stack.pg,
      `SELECT count(*) AS n FROM alert_timeline WHERE alert_id = $1 AND action = 'correlate'`,
      [rows[0].id],
    );
    expect(merges).toBeGreaterThanOrEqual(1);
    expect(merges).toBeLessThan(100);
  }, 150_000);

  it('a malformed job fails with its reason, stays in the failed list, and blocks nothing', async () => {
    await stack.events.add('raw-event', { id: 'bad:1', source: 'camera', type: 'meteor' } as never, {
      jobId: 'bad|1',
    });
    const camera = await addCamera(stack.pg, where.village1);
    await stack.enqueue(cameraEvent(camera, 'after-bad'));
    await until('event after the bad one', () =>
      countRows(stack.pg, 'SELECT count(*) AS n FROM alerts WHERE camera_id = $1', [camera]),
    );
    const admin = await login(stack.api, 'admin');
    const failed = await until('failed listed', async () => {
      const list = (await (await admin.call('/api/admin/failed-events')).json()) as FailedEventView[];
      return list.find((f) => f.jobId === 'bad|1');
    });
    expect(failed.reason).toMatch(/invalid raw event: .*type/);
    expect(failed.reason).toMatch(/occurredAt/);
    expect(failed.attemptsMade).toBeLessThanOrEqual(1);
    const duty = await login(stack.api, 'duty');
    expect((await duty.call('/api/admin/failed-events')).status).toBe(403);
    // Retry puts it back; it fails again for the same reason and is still listed.
    const retry = await admin.call('/api/admin/failed-events/bad|1/retry', { method: 'POST' });
    expect(retry.status).toBe(200);
    await until('failed again', async () => (await stack.events.getJobState('bad|1')) === 'failed');
  });

  it('an unknown camera fails with a reason naming the field', async () => {
    await stack.enqueue(cameraEvent('00000000-0000-4000-8000-00000000dead', 'ghost'));
    const job = await failedJob(stack.events, 'cam|00000000-0000-4000-8000-00000000dead|motion|ghost');
    expect(job.failedReason).toMatch(/^cameraId: camera .* is not registered/);
  });

  it('a camera back online resolves its own offline alert, saying so on the timeline', async () => {
    const camera = await addCamera(stack.pg, where.village1);
    await stack.enqueue(cameraEvent(camera, 'off', { id: `health:${camera}:off:1`, type: 'camera_offline' }));
    const alertId = await until('offline alert', async () => {
      const { rows } = await stack.pg.query<{ id: string }>(
        `SELECT id FROM alerts WHERE camera_id = $1 AND type = 'camera_offline'`,
        [camera],
      );
      return rows[0]?.id;
    });
    await stack.enqueue(
      cameraEvent(camera, 'on', { id: `health:${camera}:on:1`, type: 'camera_offline', recovered: true }),
    );
    const duty = await login(stack.api, 'duty');
    const alert = await until('auto-resolved', async () => {
      const body = (await (await duty.call(`/api/alerts/${alertId}`)).json()) as AlertView & {
        timeline: { action: string; note: string }[];
      };
      return body.status === 'RESOLVED' ? body : null;
    });
    expect(alert.timeline.map((t) => t.action)).toEqual(['create', 'auto-resolve']);
    expect(alert.timeline[1].note).toMatch(/恢复在线/);
  });

  it('mutes record and count events but raise nothing, and end by themselves', async () => {
    const camera = await addCamera(stack.pg, where.village1);
    const tech = await login(stack.api, 'technician');
    const bad = await tech.call('/api/mutes', { method: 'POST', json: { cameraId: camera, minutes: 0 } });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toMatch(/minutes/);
    const duty = await login(stack.api, 'duty');
    expect(
      (await duty.call('/api/mutes', { method: 'POST', json: { cameraId: camera, minutes: 5, reason: 'x' } }))
        .status,
    ).toBe(403);
    const res = await tech.call('/api/mutes', {
      method: 'POST',
      json: { cameraId: camera, alertType: 'motion', minutes: 30, reason: '镜头维护' },
    });
    expect(res.status).toBe(201);
    const mute = (await res.json()) as { id: string };
    for (let i = 0; i < 3; i++) await stack.enqueue(cameraEvent(camera, `muted-${i}`));
    await stack.enqueue(cameraEvent(camera, 'not-muted-type', { type: 'tampering' }));
    await until(
      'muted recorded',
      async () =>
        (await countRows(
          stack.pg,
          `SELECT count(*) AS n FROM raw_events WHERE muted AND payload->>'cameraId' = $1`,
          [camera],
        )) === 3,
    );
    await until('other type alerted', () =>
      countRows(stack.pg, `SELECT count(*) AS n FROM alerts WHERE camera_id = $1 AND type = 'tampering'`, [
        camera,
      ]),
    );
    expect(
      await countRows(stack.pg, `SELECT count(*) AS n FROM alerts WHERE camera_id = $1 AND type = 'motion'`, [
        camera,
      ]),
    ).toBe(0);
    const list = (await (await tech.call('/api/mutes')).json()) as {
      id: string;
      mutedEvents: number;
      active: boolean;
    }[];
    expect(list.find((m) => m.id === mute.id)).toMatchObject({ mutedEvents: 3, active: true });

    // A mute whose window has passed holds no more (moved into the past rather than waited for).
    await stack.pg.query(`UPDATE alert_mutes SET ends_at = now() - interval '1 second' WHERE id = $1`, [
      mute.id,
    ]);
    await stack.enqueue(cameraEvent(camera, 'after-mute'));
    await until('alert after mute ended', () =>
      countRows(stack.pg, `SELECT count(*) AS n FROM alerts WHERE camera_id = $1 AND type = 'motion'`, [
        camera,
      ]),
    );
    const audit = await countRows(
      stack.pg,
      `SELECT count(*) AS n FROM audit_log WHERE action = 'mute.create' AND target_id = $1`,
      [mute.id],
    );
    expect(audit).toBe(1);
  });

  it('outside systems post events with their API key, fixed to a source and region', async () => {
    const admin = await login(stack.api, 'admin');
    const created = await admin.call('/api/integrations', {
      method: 'POST',
      json: { name: '12345热线', source: 'hotline', regionId: where.t1.id },
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; prefix: string };
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const listed = await (await admin.call('/api/integrations')).text();
    expect(listed).not.toContain(key.key);

    const post = (body: unknown, apiKey = key.key): Promise<Response> =>
      fetch(`${stack.api.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify(body),
      });
    const event = {
      id: 'ticket-1',
      type: 'dispute',
      occurredAt: new Date().toISOString(),
      regionId: where.village1.id,
      title: '邻里纠纷',
    };
    const ok = await post({ ...event, source: 'camera' });
    expect(ok.status).toBe(202);
    const { eventId } = (await ok.json()) as { eventId: string };
    const row = await until('hotline alert', async () => {
      const { rows } = await stack.pg.query<{ source: string; title: string }>(
        'SELECT a.source, a.title FROM raw_events e JOIN alerts a ON a.id = e.alert_id WHERE e.id = $1',
        [eventId],
      );
      return rows[0];
    });
    expect(row).toEqual({ source: 'hotline', title: '邻里纠纷' });

    expect((await post({ ...event, id: 'ticket-2', regionId: where.t2.id })).status).toBe(403);
    const bad = await post({ ...event, id: 'ticket-3', occurredAt: 'yesterday' });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toMatch(/^occurredAt/);
    expect((await post(event, 'xl_not-a-key-at-all')).status).toBe(401);

    expect((await admin.call(`/api/integrations/${key.id}`, { method: 'DELETE' })).status).toBe(200);
    const revoked = await post({ ...event, id: 'ticket-4' });
    expect(revoked.status).toBe(401);
    expect((await bodyOf(revoked)).message).toBe('api key revoked');
  });
});
