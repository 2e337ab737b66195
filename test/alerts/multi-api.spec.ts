import type { INestApplication } from '@nestjs/common';
import type { AlertView } from '@xueliang/contracts';
import { login } from '../support/api';
import {
  addCamera,
  AlertStack,
  cameraEvent,
  connect,
  LiveClient,
  places,
  record,
  startAlertStack,
  until,
} from './support';

describe('two api instances behind one Redis both deliver socket events', () => {
  let stack: AlertStack;
  let second: INestApplication;
  let secondUrl: string;
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    stack = await startAlertStack();
    // Same database and Redis prefix: startAlertStack left them in process.env.
    const { createApiApp } = await import('../../apps/api/src/bootstrap');
    second = await createApiApp({ logger: false });
    await second.listen(0, '127.0.0.1');
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await second.close();
    await stack.close();
  });

  it('an alert from the alert-service and commands on either node reach sockets on both', async () => {
    const where = await places(stack.pg);
    const camera = await addCamera(stack.pg, where.village1);
    const dutyT1 = await login(stack.api, 'duty_t1');
    const county = await login({ url: secondUrl }, 'duty');
    const onFirst = await connect(stack.api.url, dutyT1.accessToken);
    const onSecond = await connect(secondUrl, county.accessToken);
    sockets.push(onFirst, onSecond);
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
});
