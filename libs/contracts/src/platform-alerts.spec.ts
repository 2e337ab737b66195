import { RaiseAlertSchema } from './alerts';
import { REPORTABLE_ALERT_TYPES } from './domain';
import { RawEventSchema } from './events';

const regionId = '00000000-0000-4000-8000-000000000001';

describe('platform alert types (login_attack) come only from the platform', () => {
  const event = { id: 'x:1', occurredAt: '2026-01-01T00:00:00Z', regionId };

  it('a login_attack event needs source system, and system needs a platform type', () => {
    expect(RawEventSchema.safeParse({ ...event, source: 'system', type: 'login_attack' }).success).toBe(true);
    const faked = RawEventSchema.safeParse({ ...event, source: 'hotline', type: 'login_attack' });
    expect(faked.success).toBe(false);
    expect(faked.error?.issues[0].path).toEqual(['type']);
    expect(RawEventSchema.safeParse({ ...event, source: 'system', type: 'fire' }).success).toBe(false);
  });

  it('a person cannot raise one, nor pick it in the console', () => {
    const raised = RaiseAlertSchema.safeParse({
      type: 'login_attack',
      priority: 'high',
      title: 'x',
      regionId,
    });
    expect(raised.success).toBe(false);
    expect(raised.error?.issues[0].path).toEqual(['type']);
    expect(REPORTABLE_ALERT_TYPES).not.toContain('login_attack');
    expect(REPORTABLE_ALERT_TYPES).toContain('fire');
  });
});
