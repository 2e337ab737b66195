/**
 * Over 400 lines on purpose: one spec per service, beside it, covering each rule of its three
 * public methods (command, list, raise); every case is a few lines over the same strict fakes.
 */
import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { AlertCommand, AlertQuery, AlertView, RaiseAlert, Role } from '@xueliang/contracts';
import type { AuthUser } from '@xueliang/auth';
import type { LoadedAlert, PendingAlertChange } from '@xueliang/alerts';
import { strictFake } from '../../../../test/support/strict-fake';
import type { AlertQueues } from '../intake/alert-queues';
import type { AlertPublisher } from '../live/alert-publisher';
import type { AlertCommandWrite, AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { alertView } from './alert-view.fixture';

const COUNTY = '620799.';
const T1 = '620799.620799001.';
const T2 = '620799.620799002.';

function user(roles: Role[], regionPath = T1, id = 'user-1'): AuthUser {
  return {
    id,
    username: 'u',
    displayName: '值班员甲',
    roles,
    regionId: regionPath === COUNTY ? 'county' : 'region-t1',
    regionName: '清泉镇',
    regionLevel: regionPath === COUNTY ? 'county' : 'township',
    regionPath,
  };
}

const duty = user(['duty_officer']);
const dispatcher = user(['dispatcher']);

function loaded(view: AlertView): LoadedAlert {
  return { view, originPath: view.regionPath };
}

function changed(view: AlertView): PendingAlertChange {
  return { event: 'alert.updated', originPath: view.regionPath, message: { seq: '42', alert: view } };
}

/** The service over strict fakes; each test gives the repository only the calls it expects. */
function service(
  repo: Partial<AlertsRepository>,
  effects: { publish?: AlertPublisher['publish']; cancelSettled?: AlertQueues['cancelSettled'] } = {},
) {
  return new AlertsService(
    strictFake<AlertsRepository>('AlertsRepository', repo),
    strictFake<AlertPublisher>('AlertPublisher', effects.publish ? { publish: effects.publish } : {}),
    strictFake<AlertQueues>(
      'AlertQueues',
      effects.cancelSettled ? { cancelSettled: effects.cancelSettled } : {},
    ),
  );
}

const QUIET = { publish: () => Promise.resolve(), cancelSettled: () => Promise.resolve() };

/** Gives a command on `alert`, which the repository loads, with whatever else the test allows. */
function commandOn(
  alert: AlertView,
  actor: AuthUser,
  command: AlertCommand,
  body: Parameters<AlertsService['command']>[3],
  repo: Partial<AlertsRepository> = {},
) {
  return service({ load: () => Promise.resolve(loaded(alert)), ...repo }, QUIET).command(
    actor,
    alert.id,
    command,
    body,
    '',
  );
}

/** The write a command that should succeed hands to the repository. */
async function writeOf(...args: Parameters<typeof commandOn>): Promise<AlertCommandWrite> {
  const [alert, actor, command, body, repo] = args;
  const apply = jest.fn((_w: AlertCommandWrite) => Promise.resolve(changed(alert)));
  await commandOn(alert, actor, command, body, { ...repo, apply });
  expect(apply).toHaveBeenCalledTimes(1);
  return apply.mock.calls[0][0];
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error) || !('getStatus' in error) || !('getResponse' in error)) {
    throw new Error(`expected an HTTP refusal, got ${String(error)}`);
  }
  const http = error as Error & { getStatus(): number; getResponse(): unknown };
  return { status: http.getStatus(), body: http.getResponse() };
}

describe('AlertsService.command', () => {
  it('applies an acknowledgement at the loaded version, then publishes and cancels met SLA checks', async () => {
    const alert = alertView();
    const after = alertView({
      status: 'ACKNOWLEDGED',
      acknowledgedAt: '2026-12-01T09:00:00.000Z',
      version: 4,
    });
    const apply = jest.fn((_w: AlertCommandWrite) => Promise.resolve(changed(after)));
    const publish = jest.fn((_c: PendingAlertChange[]) => Promise.resolve());
    const cancelSettled = jest.fn(() => Promise.resolve());
    const result = await service(
      { load: () => Promise.resolve(loaded(alert)), apply },
      { publish, cancelSettled },
    ).command(duty, alert.id, 'ack', { version: 3 }, '10.0.0.1');

    expect(result).toBe(after);
    expect(apply).toHaveBeenCalledTimes(1);
    const write = apply.mock.calls[0][0];
    expect(write).toMatchObject({
      alertId: alert.id,
      version: 3,
      patch: { status: 'ACKNOWLEDGED', acknowledged_at: expect.any(Date) as Date },
      timeline: { action: 'ack', fromStatus: 'NEW', toStatus: 'ACKNOWLEDGED', actorId: duty.id, data: null },
      actor: duty,
      ip: '10.0.0.1',
      audit: { action: 'alert.ack', targetType: 'alert', targetId: alert.id, regionId: 'region-t1' },
    });
    expect(publish).toHaveBeenCalledWith([changed(after)]);
    expect(cancelSettled).toHaveBeenCalledWith(
      expect.objectContaining({
        id: alert.id,
        status: 'ACKNOWLEDGED',
        acknowledgedAt: expect.any(Date) as Date,
      }),
    );
  });

  it.each([
    [
      'an alert in another township is hidden (404)',
      { regionPath: T2 },
      duty,
      { version: 3 },
      404,
      'alert not found',
    ],
    [
      'a role the command is not for is refused (403) before the version is looked at',
      {},
      user(['technician']),
      { version: 2 },
      403,
      'your roles may not ack an alert',
    ],
    [
      'a stale version is refused (409 stale_version)',
      {},
      duty,
      { version: 2 },
      409,
      '"reason":"stale_version"',
    ],
    [
      'a step the state machine does not allow is refused (409 illegal_transition)',
      { status: 'CLOSED' },
      duty,
      { version: 3 },
      409,
      '"reason":"illegal_transition"',
    ],
  ] as const)('ack: %s, and nothing is written', async (_what, overrides, actor, body, status, says) => {
    const r = await refusal(commandOn(alertView(overrides), actor, 'ack', body));
    expect(r.status).toBe(status);
    expect(JSON.stringify(r.body)).toContain(says);
  });

  it('answers 404 for an alert that does not exist', async () => {
    const r = await refusal(
      service({ load: () => Promise.resolve(null) }).command(duty, 'x', 'ack', { version: 3 }, ''),
    );
    expect(r).toEqual({
      status: 404,
      body: expect.objectContaining({ message: 'alert not found' }) as object,
    });
  });

  it('a comment needs no version and changes no column', async () => {
    const write = await writeOf(alertView({ status: 'CLOSED' }), duty, 'comment', { note: '已回访' });
    expect(write).toMatchObject({ patch: null, timeline: { action: 'comment', note: '已回访' } });
  });

  it('when another writer got there first, answers 409 with the alert as it now is', async () => {
    const alert = alertView();
    const now = alertView({ status: 'DISMISSED', version: 4 });
    const load = jest.fn().mockResolvedValueOnce(loaded(alert)).mockResolvedValueOnce(loaded(now));
    const r = await refusal(
      service({ load, apply: () => Promise.resolve(null) }).command(
        duty,
        alert.id,
        'ack',
        { version: 3 },
        '',
      ),
    );
    expect(r).toEqual({
      status: 409,
      body: expect.objectContaining({ reason: 'stale_version', alert: now }) as object,
    });
  });

  describe('escalate', () => {
    it('moves the alert to the parent region and files the audit entry there', async () => {
      const parentRegion = (id: string) =>
        Promise.resolve(id === 'region-t1' ? { id: 'county', path: COUNTY, name: '清水县' } : null);
      const write = await writeOf(
        alertView({ status: 'ACKNOWLEDGED' }),
        dispatcher,
        'escalate',
        { version: 3 },
        {
          parentRegion,
        },
      );
      expect(write).toMatchObject({
        patch: { region_id: 'county', region_path: COUNTY, escalation_level: 1 },
        timeline: { note: '上报至清水县' },
        audit: { regionId: 'county' },
      });
    });

    it('at the top of the tree is a 409 naming the region', async () => {
      const alert = alertView({ regionName: '清水县', regionPath: COUNTY });
      const r = await refusal(
        commandOn(
          alert,
          user(['supervisor'], COUNTY),
          'escalate',
          { version: 3 },
          {
            parentRegion: () => Promise.resolve(null),
          },
        ),
      );
      expect(r.status).toBe(409);
      expect(JSON.stringify(r.body)).toContain('cannot escalate: 清水县 has no parent region');
    });
  });

  describe('dispatch', () => {
    const alert = alertView({ status: 'ACKNOWLEDGED' });
    const unit = { id: 'unit-1', name: '清泉派出所', disabled: false, path: `${T1}620799001003.` };
    const person = { id: 'user-9', displayName: '王五', disabled: false, roles: ['responder'], path: T1 };
    const unitIs = (u: typeof unit | null): Partial<AlertsRepository> => ({ unit: () => Promise.resolve(u) });
    const userIs = (u: typeof person): Partial<AlertsRepository> => ({ user: () => Promise.resolve(u) });

    it.each([
      [
        'a disabled unit',
        { unitId: 'unit-1' },
        unitIs({ ...unit, disabled: true }),
        400,
        'unitId: no such active response unit',
      ],
      ['a missing unit', { unitId: 'unit-1' }, unitIs(null), 400, 'unitId: no such active response unit'],
      [
        'a unit in another township',
        { unitId: 'unit-1' },
        unitIs({ ...unit, path: T2 }),
        403,
        'unitId: the unit is outside the alert region and your region',
      ],
      [
        'a user who is not a responder',
        { userId: 'user-9' },
        userIs({ ...person, roles: ['duty_officer'] }),
        400,
        'userId: no such active responder',
      ],
      [
        'a responder in another township',
        { userId: 'user-9' },
        userIs({ ...person, path: T2 }),
        403,
        'userId: the responder is outside the alert region and your region',
      ],
    ])('to %s is refused', async (_what, target, repo, status, message) => {
      const r = await refusal(commandOn(alert, dispatcher, 'dispatch', { version: 3, ...target }, repo));
      expect(r.status).toBe(status);
      expect(JSON.stringify(r.body)).toContain(message);
    });

    it('a county dispatcher may send a township alert to a unit of another township', async () => {
      const county = user(['dispatcher'], COUNTY);
      const write = await writeOf(
        alert,
        county,
        'dispatch',
        { version: 3, unitId: 'unit-1' },
        unitIs({ ...unit, path: T2 }),
      );
      expect(write).toMatchObject({
        patch: { status: 'DISPATCHED', assigned_unit_id: 'unit-1', assigned_user_id: null },
        timeline: { note: '交办至 清泉派出所' },
      });
    });
  });

  describe('a responder’s assignment', () => {
    const village = `${T1}620799001003.`;
    const responder = user(['responder'], village, 'resp-1');
    const alert = alertView({ status: 'DISPATCHED', assignedUnitId: 'unit-1', regionPath: village });
    const unitAt = (path: string): Partial<AlertsRepository> => ({
      unit: () => Promise.resolve({ id: 'unit-1', name: 'u', disabled: false, path }),
    });

    it('through a unit in their subtree lets them accept', async () => {
      const write = await writeOf(alert, responder, 'accept', { version: 3 }, unitAt(village));
      expect(write.patch).toMatchObject({ status: 'ACCEPTED' });
    });

    it('to a unit above them does not', async () => {
      const r = await refusal(commandOn(alert, responder, 'accept', { version: 3 }, unitAt(T1)));
      expect(r.status).toBe(403);
    });
  });
});

describe('AlertsService.list', () => {
  const [A1, A2, A3] = ['a1', 'a2', 'a3'].map((n) => `00000000-0000-4000-8000-0000000000${n}`);
  const query = (q: Partial<AlertQuery>): AlertQuery => ({ limit: 2, ...q });

  it('refuses an unknown status with 400 before any query', async () => {
    await expect(service({}).list(duty, query({ status: 'NEW,LOST' }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  it('hides a region outside the caller’s scope (404) before any list query', async () => {
    const r = await refusal(
      service({ region: () => Promise.resolve({ id: 'region-t2', path: T2, name: '东山乡' }) }).list(
        duty,
        query({ regionId: 'region-t2' }),
      ),
    );
    expect(r.status).toBe(404);
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(service({}).list(duty, query({ cursor: 'bm90IGEgY3Vyc29y' }))).rejects.toBeInstanceOf(
      BadRequestException,
    );
  });

  it('asks for the caller’s scope, the chosen subtree and one row more than the page, and pages by keyset', async () => {
    const listPage = jest.fn(() =>
      Promise.resolve([
        { id: A1, created: '2026-12-01T08:03:00.000000Z' },
        { id: A2, created: '2026-12-01T08:02:00.000000Z' },
        { id: A3, created: '2026-12-01T08:01:00.000000Z' },
      ]),
    );
    const loadMany = jest.fn((ids: string[]) => Promise.resolve(ids.map((id) => loaded(alertView({ id })))));
    const village = `${T1}620799001003.`;
    const page = await service({
      region: () => Promise.resolve({ id: 'v', path: village, name: '村' }),
      listPage,
      loadMany,
    }).list(duty, query({ status: 'open', regionId: 'v', assignedToMe: true, q: '' }));

    expect(listPage).toHaveBeenCalledWith(
      expect.objectContaining({
        scopePath: T1,
        subtreePath: village,
        statuses: ['NEW', 'ACKNOWLEDGED', 'DISPATCHED', 'ACCEPTED', 'ON_SCENE'],
        assignedUserId: duty.id,
        text: undefined,
        limit: 2,
      }),
    );
    expect(loadMany).toHaveBeenCalledWith([A1, A2]);
    expect(page.items.map((a) => a.id)).toEqual([A1, A2]);
    expect(page.nextCursor).not.toBeNull();

    // The cursor it gave back is the keyset position of the last alert shown.
    const next = jest.fn(() => Promise.resolve([]));
    await service({ listPage: next, loadMany: () => Promise.resolve([]) }).list(
      duty,
      query({ cursor: page.nextCursor ?? undefined }),
    );
    expect(next).toHaveBeenCalledWith(
      expect.objectContaining({ after: ['2026-12-01T08:02:00.000000Z', A2] }),
    );
  });
});

describe('AlertsService.raise', () => {
  const input: RaiseAlert = {
    source: 'manual',
    type: 'intrusion',
    priority: 'high',
    regionId: 'region-t2',
    title: '有人翻墙',
    description: '',
  };

  it('refuses a report filed in another township with 403', async () => {
    await expect(
      service({ region: () => Promise.resolve({ id: 'region-t2', path: T2, name: '东山乡' }) }).raise(
        duty,
        input,
      ),
    ).rejects.toBeInstanceOf(ForbiddenException);
  });

  it('hides a camera of another township (404) and enqueues nothing', async () => {
    await expect(
      service({
        region: () => Promise.resolve({ id: 'region-t1', path: T1, name: '清泉镇' }),
        cameraRegionPath: () => Promise.resolve(T2),
      }).raise(duty, { ...input, regionId: 'region-t1', cameraId: 'cam-1' }),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});
