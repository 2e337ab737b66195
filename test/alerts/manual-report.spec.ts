import type { AlertView } from '@xueliang/contracts';
import { bodyOf, login, type Session } from '../support/api';
import { AlertStack, Place, startAlertStack } from './support';

/** POST /api/alerts is a person's report: its source is always manual, its type one a person can see. */
describe('manual reports', () => {
  let stack: AlertStack;
  let where: Place;
  let township: Session;

  beforeAll(async () => {
    stack = await startAlertStack();
    where = stack.where;
    township = await login(stack.api, 'duty_t1');
  });
  afterAll(async () => {
    await stack.close();
  });

  const raise = (json: Record<string, unknown>): Promise<Response> =>
    township.call('/api/alerts', {
      method: 'POST',
      json: {
        type: 'public_safety',
        priority: 'high',
        title: '人工上报',
        regionId: where.village1.id,
        ...json,
      },
    });

  it.each(['camera', 'checkpoint', 'hotline', 'iot'])(
    'claiming source %s is a 400 naming source',
    async (source) => {
      const res = await raise({ source });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).message).toMatch(/^source: manual reports are always manual/);
    },
  );

  it.each(['camera_offline', 'motion', 'tampering', 'line_crossing', 'digital_input', 'checkpoint_alarm'])(
    'a device type (%s) is a 400 naming type',
    async (type) => {
      const res = await raise({ type });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).message).toMatch(/^type: a manual report may be one of/);
    },
  );

  it('a report is stored as manual, with or without saying so', async () => {
    for (const json of [{}, { source: 'manual' }, { type: 'fire' }]) {
      const res = await raise(json);
      expect(res.status).toBe(201);
      expect(((await res.json()) as AlertView).source).toBe('manual');
    }
    const { rows } = await stack.pg.query<{ source: string; n: number }>(
      `SELECT source, count(*)::int AS n FROM alerts WHERE title = '人工上报' GROUP BY source`,
    );
    expect(rows).toEqual([{ source: 'manual', n: 3 }]);
  });
});
