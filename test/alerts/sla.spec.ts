import { Queue } from 'bullmq';
import type { AlertDetailView, AlertOverdueMessage, AlertView, SlaPolicyView } from '@xueliang/contracts';
import { createRedis } from '@xueliang/platform';
import { slaJobId, slaQueue, type SlaCheckJob } from '@xueliang/queue';
import { bodyOf, login, type Session } from '../support/api';
import { TEST_REDIS_URL } from '../support/database';
import { addCamera, AlertStack, cameraEvent, Place, startAlertStack, until } from './support';

describe('SLA deadlines: breach, overdue, escalation, restart', () => {
  let stack: AlertStack;
  let where: Place;
  let admin: Session;
  let supervisor: Session;
  let sla: Queue<SlaCheckJob>;
  const redis = createRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    stack = await startAlertStack();
    where = stack.where;
    sla = slaQueue(redis, stack.api.redisPrefix);
    [admin, supervisor] = await Promise.all([login(stack.api, 'admin'), login(stack.api, 'supervisor')]);
  });
  afterAll(async () => {
    await sla.close();
    await redis.quit();
    await stack.close();
  });

  async function policy(type: string, priority: string): Promise<SlaPolicyView> {
    const all = (await (await admin.call('/api/sla-policies')).json()) as SlaPolicyView[];
    return all.find((p) => p.alertType === type && p.priority === priority)!;
  }

  async function alertOf(camera: string): Promise<AlertDetailView> {
    const { rows } = await stack.pg.query<{ id: string }>('SELECT id FROM alerts WHERE camera_id = $1', [
      camera,
    ]);
    return (await (await supervisor.call(`/api/alerts/${rows[0].id}`)).json()) as AlertDetailView;
  }

  it('admin edits policies (validated, audited); others may not', async () => {
    const p = await policy('intrusion', 'high');
    const bad = await admin.call(`/api/sla-policies/${p.id}`, {
      method: 'PATCH',
      json: { acknowledgeSeconds: -5 },
    });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).message).toMatch(/^acknowledgeSeconds/);
    const unknown = await admin.call(`/api/sla-policies/${p.id}`, {
      method: 'PATCH',
      json: { colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(
      (await supervisor.call(`/api/sla-policies/${p.id}`, { method: 'PATCH', json: { escalate: true } }))
        .status,
    ).toBe(403);
    const res = await admin.call(`/api/sla-policies/${p.id}`, {
      method: 'PATCH',
      json: { acknowledgeSeconds: 1, dispatchSeconds: 2, escalate: true },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ acknowledgeSeconds: 1, dispatchSeconds: 2, escalate: true });
    const { rows } = await stack.pg.query(
      `SELECT detail FROM audit_log WHERE action = 'sla-policy.update' AND target_id = $1`,
      [p.id],
    );
    expect(rows[0].detail.after).toEqual({ acknowledgeSeconds: 1, dispatchSeconds: 2, escalate: true });
  });

  it('a missed deadline marks the alert overdue, tells supervisors and lifts it to the parent region', async () => {
    const socket = await stack.live(supervisor.accessToken);
    const overdue: AlertOverdueMessage[] = [];
    socket.on('alert.overdue', (m) => overdue.push(m));

    const camera = await addCamera(stack.pg, where.village1);
    await stack.enqueue(cameraEvent(camera, 1, { type: 'intrusion', priority: 'high' }));
    // acknowledge due after 1 s: village → township; dispatch due after 2 s: township → county.
    const escalated = await until(
      'two stages overdue',
      async () => {
        const a = await alertOf(camera).catch(() => null);
        return a && a.overdueStages.length === 2 ? a : null;
      },
      30_000,
    );
    expect(escalated.overdueStages).toEqual(['acknowledge', 'dispatch']);
    expect(escalated.regionId).toBe(where.countyId);
    expect(escalated.originRegionId).toBe(where.village1.id);
    expect(escalated.escalationLevel).toBe(2);
    expect(escalated.status).toBe('NEW');
    expect(escalated.timeline.map((t) => t.action)).toEqual([
      'create',
      'overdue',
      'escalate',
      'overdue',
      'escalate',
    ]);
    await until('overdue pushes', () => overdue.filter((m) => m.alert.id === escalated.id).length === 2);
    expect(overdue.filter((m) => m.alert.id === escalated.id).map((m) => m.stage)).toEqual([
      'acknowledge',
      'dispatch',
    ]);
    const audit = await stack.pg.query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
      escalated.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual([
      'alert.create',
      'alert.overdue',
      'alert.escalate',
      'alert.overdue',
      'alert.escalate',
    ]);
    // The township's officer no longer owns it.
    const dutyT1 = await login(stack.api, 'duty_t1');
    expect((await dutyT1.call(`/api/alerts/${escalated.id}`)).status).toBe(404);
  });

  it('a stage met in time removes its check and marks nothing', async () => {
    const p = await policy('intrusion', 'high');
    await admin.call(`/api/sla-policies/${p.id}`, {
      method: 'PATCH',
      json: { acknowledgeSeconds: 600, dispatchSeconds: 900 },
    });
    const camera = await addCamera(stack.pg, where.village1);
    await stack.enqueue(cameraEvent(camera, 1, { type: 'intrusion', priority: 'high' }));
    const a = await until('alert', () => alertOf(camera).catch(() => null));
    expect(await sla.getJob(slaJobId(a.id, 'acknowledge'))).toBeTruthy();
    const duty = await login(stack.api, 'duty_t1');
    const res = await duty.call(`/api/alerts/${a.id}/ack`, { method: 'POST', json: { version: a.version } });
    expect(res.status).toBe(200);
    expect(await sla.getJob(slaJobId(a.id, 'acknowledge'))).toBeFalsy();
    expect(await sla.getJob(slaJobId(a.id, 'dispatch'))).toBeTruthy();
    expect(((await res.json()) as AlertView).overdueStages).toEqual([]);
  });

  it('checks lost while the service was down are put back on boot and still fire', async () => {
    const p = await policy('crowding', 'high');
    await admin.call(`/api/sla-policies/${p.id}`, {
      method: 'PATCH',
      json: { acknowledgeSeconds: 2, escalate: false },
    });
    const camera = await addCamera(stack.pg, where.village1);
    await stack.enqueue(cameraEvent(camera, 1, { type: 'crowding', priority: 'high' }));
    const a = await until('alert', () => alertOf(camera).catch(() => null));
    await stack.stopService();
    // As if Redis lost the delayed jobs.
    for (const stage of ['acknowledge', 'dispatch', 'accept', 'arrive', 'resolve'] as const) {
      await sla.remove(slaJobId(a.id, stage));
    }
    expect(await sla.getJob(slaJobId(a.id, 'acknowledge'))).toBeFalsy();
    await stack.startService();
    expect(await sla.getJob(slaJobId(a.id, 'acknowledge'))).toBeTruthy();
    const late = await until('overdue after restart', async () => {
      const x = await alertOf(camera);
      return x.overdueStages.includes('acknowledge') ? x : null;
    });
    // escalate is off for this policy: it stays where it was.
    expect(late.regionId).toBe(where.village1.id);
    expect(late.escalationLevel).toBe(0);
  });
});
