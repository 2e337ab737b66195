import type { AlertView } from '@xueliang/contracts';
import { bodyOf, call, login, type Session } from '../support/api';
import { failedJob } from '../support/wait';
import { jobIdFor } from '@xueliang/queue';
import { addCamera, AlertStack, cameraEvent, Place, startAlertStack, until } from '../alerts/support';

/**
 * Every way in answers 400 (or 413) naming the field, never 500, and nothing reaches PostgreSQL
 * that it cannot store: text and jsonb cannot hold U+0000, jsonb refuses a lone surrogate.
 */
describe('input boundaries: NUL bytes, lone surrogates, oversized and malformed bodies', () => {
  let stack: AlertStack;
  let where: Place;
  let admin: Session;
  let duty: Session;
  let alert: AlertView;
  let camera: string;
  let apiKey: string;

  const NUL = 'a\u0000b';

  beforeAll(async () => {
    stack = await startAlertStack();
    where = stack.where;
    [admin, duty] = await Promise.all([login(stack.api, 'admin'), login(stack.api, 'duty')]);
    camera = await addCamera(stack.pg, where.village1);
    const raised = await duty.call('/api/alerts', {
      method: 'POST',
      json: { type: 'intrusion', priority: 'high', title: '边界测试', regionId: where.village1.id },
    });
    expect(raised.status).toBe(201);
    alert = (await raised.json()) as AlertView;
    const key = await admin.call('/api/integrations', {
      method: 'POST',
      json: { name: '12345热线', source: 'hotline', regionId: where.t1.id },
    });
    expect(key.status).toBe(201);
    apiKey = ((await key.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await stack.close();
  });

  interface Case {
    name: string;
    field: string;
    send(bad: string): Promise<Response>;
  }

  const postEvent = (body: unknown): Promise<Response> =>
    fetch(`${stack.api.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(body),
    });

  const cases: Case[] = [
    {
      name: 'login username',
      field: 'username',
      send: (bad) =>
        call(stack.api, undefined, '/api/auth/login', {
          method: 'POST',
          json: { username: bad, password: 'password123' },
        }),
    },
    {
      name: 'login password',
      field: 'password',
      send: (bad) =>
        call(stack.api, undefined, '/api/auth/login', {
          method: 'POST',
          json: { username: 'duty', password: bad },
        }),
    },
    {
      name: 'alert title',
      field: 'title',
      send: (bad) =>
        duty.call('/api/alerts', {
          method: 'POST',
          json: { type: 'intrusion', priority: 'high', title: bad, regionId: where.village1.id },
        }),
    },
    {
      name: 'alert note (ack)',
      field: 'note',
      send: (bad) =>
        duty.call(`/api/alerts/${alert.id}/ack`, {
          method: 'POST',
          json: { version: alert.version, note: bad },
        }),
    },
    {
      name: 'alert comment',
      field: 'note',
      send: (bad) => duty.call(`/api/alerts/${alert.id}/comment`, { method: 'POST', json: { note: bad } }),
    },
    {
      name: 'alert search',
      field: 'q',
      send: (bad) => duty.call(`/api/alerts?q=${encodeURIComponent(bad)}`),
    },
    {
      name: 'camera search',
      field: 'q',
      send: (bad) => duty.call(`/api/cameras?q=${encodeURIComponent(bad)}`),
    },
    {
      name: 'camera name',
      field: 'name',
      send: (bad) => admin.call(`/api/cameras/${camera}`, { method: 'PATCH', json: { name: bad } }),
    },
    {
      name: 'user display name',
      field: 'displayName',
      send: async (bad) => {
        const users = (await (await admin.call('/api/users')).json()) as { id: string }[];
        return admin.call(`/api/users/${users[0].id}`, { method: 'PATCH', json: { displayName: bad } });
      },
    },
    {
      name: 'region name',
      field: 'name',
      send: (bad) => admin.call(`/api/regions/${where.t1.id}`, { method: 'PATCH', json: { name: bad } }),
    },
    {
      name: 'event title via integration key',
      field: 'title',
      send: (bad) =>
        postEvent({
          id: `ticket-${Math.random()}`,
          type: 'dispute',
          occurredAt: new Date().toISOString(),
          regionId: where.village1.id,
          title: bad,
        }),
    },
    {
      name: 'event attribute via integration key',
      field: 'attributes.caller',
      send: (bad) =>
        postEvent({
          id: `ticket-${Math.random()}`,
          type: 'dispute',
          occurredAt: new Date().toISOString(),
          regionId: where.village1.id,
          attributes: { caller: bad },
        }),
    },
    {
      name: 'a route param',
      field: 'command',
      send: (bad) =>
        duty.call(`/api/alerts/${alert.id}/${encodeURIComponent(bad)}`, { method: 'POST', json: {} }),
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))(
    'a NUL byte in the %s is a 400 naming the field',
    async (_n, c) => {
      const res = await c.send(NUL);
      expect(res.status).toBe(400);
      const body = await bodyOf(res);
      expect(body.message).toContain(`${c.field}: `);
      expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: c.field })]));
    },
  );

  it.each(
    // A URL cannot carry a lone surrogate (percent-encoding is UTF-8), so only bodies are tried.
    cases
      .filter((c) => !['a route param', 'alert search', 'camera search'].includes(c.name))
      .map((c) => [c.name, c] as const),
  )('a lone surrogate in the %s is a 400 naming the field', async (_n, c) => {
    const res = await c.send('a\ud800b');
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).message).toContain(`${c.field}: `);
  });

  it('a NUL byte inside an object key is refused too', async () => {
    const res = await duty.call('/api/alerts', {
      method: 'POST',
      json: { type: 'intrusion', priority: 'high', title: 'x', regionId: where.village1.id, [NUL]: 1 },
    });
    expect(res.status).toBe(400);
  });

  it('an oversized body is 413 naming the body, a malformed one 400', async () => {
    const big = await duty.call('/api/alerts', {
      method: 'POST',
      json: {
        type: 'intrusion',
        priority: 'high',
        title: 'x',
        regionId: where.village1.id,
        description: 'x'.repeat(2_000_000),
      },
    });
    expect(big.status).toBe(413);
    const bigBody = await bodyOf(big);
    expect(bigBody.message).toMatch(/^body: /);
    expect(bigBody.statusCode).toBe(413);

    const bigForm = await call(stack.api, undefined, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${'x'.repeat(2_000_000)}`,
    });
    expect(bigForm.status).toBe(413);

    const broken = await call(stack.api, undefined, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": "duty", "password": ',
    });
    expect(broken.status).toBe(400);
  });

  it('a queued event with a NUL fails once, as unrecoverable, naming the field; later events flow', async () => {
    const bad = cameraEvent(camera, 'nul-title', { type: 'intrusion', title: NUL });
    await stack.enqueue(bad);
    const jobId = jobIdFor(bad.id);
    const job = await failedJob(stack.events, jobId);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/title: /);
    expect(job.failedReason).not.toContain('\u0000');
    const { rows } = await stack.pg.query('SELECT count(*)::int AS n FROM raw_events WHERE id = $1', [
      bad.id,
    ]);
    expect(rows[0].n).toBe(0);

    const good = cameraEvent(camera, 'after-nul', { type: 'intrusion' });
    await stack.enqueue(good);
    await until('event after the bad one', async () => {
      const r = await stack.pg.query('SELECT alert_id FROM raw_events WHERE id = $1', [good.id]);
      return r.rows[0]?.alert_id;
    });
  });
});
