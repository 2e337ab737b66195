import type { AlertView, AuditEntryView, Page } from '@xueliang/contracts';
import { login, type Session } from '../support/api';
import { addCamera, AlertStack, Place, startAlertStack, until } from '../alerts/support';

/** An audit entry as the api lists it, with the detail a scope refusal records. */
type AuditItem = Omit<AuditEntryView, 'detail'> & {
  detail: { method: string; path: string; refusal: string; status: number } | null;
};

/** A township user probing another township's things gets 404/403, and each attempt is audited. */
describe('refused cross-region attempts are audited', () => {
  let stack: AlertStack;
  let where: Place;
  let township: Session;
  let supervisor: Session;
  let otherAlert: AlertView;
  let otherCamera: string;

  const PROBE_THRESHOLD = 5;

  beforeAll(async () => {
    // The five probes of the first test are a burst.
    process.env.SCOPE_PROBE_ALERT_THRESHOLD = String(PROBE_THRESHOLD);
    stack = await startAlertStack();
    where = stack.where;
    const county = await login(stack.api, 'duty');
    [township, supervisor] = await Promise.all([login(stack.api, 'duty_t1'), login(stack.api, 'supervisor')]);
    otherCamera = await addCamera(stack.pg, where.t2, '位奇镇路口');
    const raised = await county.call('/api/alerts', {
      method: 'POST',
      json: { type: 'fire', priority: 'high', title: '位奇镇火情', regionId: where.t2.id },
    });
    expect(raised.status).toBe(201);
    otherAlert = (await raised.json()) as AlertView;
  });
  afterAll(async () => {
    delete process.env.SCOPE_PROBE_ALERT_THRESHOLD;
    await stack.close();
  });

  async function denials(query = ''): Promise<AuditItem[]> {
    const res = await supervisor.call(`/api/audit?action=scope.denied${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: AuditItem[] }).items;
  }

  it('each probe answers as before and leaves one entry a supervisor can list', async () => {
    const probes: [string, RequestInit & { json?: unknown }, number, string, string | null][] = [
      [`/api/alerts/${otherAlert.id}`, {}, 404, 'alert', otherAlert.id],
      [
        `/api/alerts/${otherAlert.id}/ack`,
        { method: 'POST', json: { version: 1 } },
        404,
        'alert',
        otherAlert.id,
      ],
      [`/api/cameras/${otherCamera}`, {}, 404, 'camera', otherCamera],
      [`/api/cameras/${otherCamera}/live`, { method: 'POST', json: {} }, 404, 'camera', otherCamera],
      [
        '/api/alerts',
        {
          method: 'POST',
          json: { type: 'fire', priority: 'high', title: '越界上报', regionId: where.t2.id },
        },
        403,
        'region',
        null,
      ],
    ];
    for (const [path, init, status] of probes) {
      const res = await township.call(path, init);
      expect([path, res.status]).toEqual([path, status]);
    }

    const items = await denials(`&actorId=${township.user.id}`);
    expect(items).toHaveLength(probes.length);
    // Newest first.
    const expected = [...probes].reverse();
    items.forEach((item, i) => {
      const [path, init, status, what, targetId] = expected[i];
      expect(item).toMatchObject({
        actorId: township.user.id,
        actorName: 'duty_t1',
        action: 'scope.denied',
        targetType: what,
        targetId,
        regionId: township.user.regionId,
        detail: { method: init.method ?? 'GET', path, status },
      });
      expect(item.ip).toBeTruthy();
    });
  });

  it('the burst raised one system alert for the county, which the prober does not see', async () => {
    const alert = await until('probe alert', async () => {
      const res = await supervisor.call('/api/alerts?source=system');
      return ((await res.json()) as Page<AlertView>).items[0];
    });
    expect(alert).toMatchObject({
      source: 'system',
      type: 'scope_probe',
      priority: 'high',
      regionId: where.countyId,
    });
    expect(alert.title).toContain('duty_t1');
    const own = (await (await township.call('/api/alerts?source=system')).json()) as Page<AlertView>;
    expect(own.items).toHaveLength(0);
    // More refusals in the same window do not raise another.
    expect((await township.call(`/api/alerts/${otherAlert.id}`)).status).toBe(404);
    const { rows } = await stack.pg.query(
      `SELECT count(*)::int AS n FROM raw_events WHERE source = 'system'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('reads inside the own region and scoped lists leave no entry', async () => {
    const before = (await denials()).length;
    expect((await township.call('/api/alerts')).status).toBe(200);
    expect((await township.call('/api/cameras')).status).toBe(200);
    const own = await township.call('/api/alerts', {
      method: 'POST',
      json: { type: 'fire', priority: 'high', title: '清泉镇火情', regionId: where.village1.id },
    });
    expect(own.status).toBe(201);
    expect((await township.call(`/api/alerts/${((await own.json()) as AlertView).id}`)).status).toBe(200);
    // An id that exists nowhere is a plain 404, not a cross-region attempt.
    expect((await township.call('/api/alerts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await denials()).toHaveLength(before);
  });
});
