import type { INestApplication } from '@nestjs/common';
import type { AlertView, SyncResult, UserView } from '@xueliang/contracts';
import { login } from '../support/api';
import { addCamera, AlertStack, cameraEvent, connect, record, startAlertStack, until } from './support';

describe('two api instances behind one Redis both deliver socket events', () => {
  let stack: AlertStack;
  let second: INestApplication;
  let secondUrl: string;

  beforeAll(async () => {
    stack = await startAlertStack();
    // Same database and Redis prefix: startAlertStack left them in process.env.
    const { createApiApp } = await import('../../apps/api/src/bootstrap');
    second = await createApiApp({ logger: false });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await second.close();
    await stack.close();
  });

  it('an alert from the alert-service and commands on either node reach sockets on both', async () => {
    const where = stack.where;
    const camera = await addCamera(stack.pg, where.village1);
    const dutyT1 = await login(stack.api, 'duty_t1');
    const county = await login({ url: secondUrl }, 'duty');
    const onFirst = await stack.live(dutyT1.accessToken);
    const onSecond = await stack.live(county.accessToken, secondUrl);
    const first = record(onFirst);
    const secondSeen = record(onSecond);

    await stack.enqueue(cameraEvent(camera, 1, { type: 'intrusion' }));
    const created = await until('created on node 1', () => first.created[0]);
    await until('created on node 2', () => secondSeen.created[0]);

    // A command on node 1 is seen by the socket on node 2, and the other way round.
    const acked = await dutyT1.call(`/api/alerts/${created.alert.id}/ack`, {
      method: 'POST',
      json: { version: created.alert.version },
    });
    expect(acked.status).toBe(200);
    await until('ack on node 2', () => secondSeen.updated.find((m) => m.alert.status === 'ACKNOWLEDGED'));
    const a = (await acked.json()) as AlertView;
    const note = await county.call(`/api/alerts/${a.id}/comment`, {
      method: 'POST',
      json: { note: '县中心已关注' },
    });
    expect(note.status).toBe(200);
    await until('comment on node 1', () => first.updated.length >= 2);
  });

  it("disabling a user on one node ends the user's socket on the other", async () => {
    const admin = await login(stack.api, 'admin');
    const created = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: `multi_${Date.now().toString(36)}`,
        displayName: '值班员',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: stack.where.t1.id,
      },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as UserView;
    const session = await login({ url: secondUrl }, user.username, 'password123');
    const socket = await stack.live(session.accessToken, secondUrl);
    const ended = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const res = await admin.call(`/api/users/${user.id}`, { method: 'PATCH', json: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await ended).toBe('io server disconnect');
  });

  it('a console whose api node restarts gets every change it missed from the new node', async () => {
    const where = stack.where;
    const camera = await addCamera(stack.pg, where.village1);
    const county = await login({ url: secondUrl }, 'duty');
    const socket = await connect(secondUrl, county.accessToken);
    const { lastSeq } = await new Promise<SyncResult>((resolve) => socket.emit('sync', {}, resolve));
    // The node goes away with its sockets; meanwhile an alert arrives and is acknowledged.
    await second.close();
    await stack.enqueue(cameraEvent(camera, 'while-down', { type: 'fire' }));
    const { rows } = await until('alert while down', async () => {
      const r = await stack.pg.query<{ id: string; version: number }>(
        'SELECT id, version FROM alerts WHERE camera_id = $1',
        [camera],
      );
      return r.rowCount ? r : null;
    });
    const dutyT1 = await login(stack.api, 'duty_t1');
    const ack = await dutyT1.call(`/api/alerts/${rows[0].id}/ack`, {
      method: 'POST',
      json: { version: rows[0].version },
    });
    expect(ack.status).toBe(200);

    // The node comes back (a new process in real life): the console reconnects and syncs.
    const { createApiApp } = await import('../../apps/api/src/bootstrap');
    second = await createApiApp({ logger: false });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    const again = await stack.live(county.accessToken, secondUrl);
    const missed = await new Promise<SyncResult>((resolve) =>
      again.emit('sync', { since: lastSeq }, resolve),
    );
    const mine = missed.changes.filter((c) => c.message.alert.id === rows[0].id);
    expect(mine.map((c) => [c.event, c.message.alert.status])).toEqual([
      ['alert.created', 'NEW'],
      ['alert.updated', 'ACKNOWLEDGED'],
    ]);
  });
});
