import type { AlertOverdueMessage, AlertView } from '@xueliang/contracts';
import { mergePushedAlert, overdueAlert, pushedAlert } from '../../apps/console/src/alert-changes';

/** How the desk folds socket pushes into its inbox, without a browser. */
function alert(patch: Partial<AlertView>): AlertView {
  return {
    id: 'a1',
    version: 1,
    status: 'NEW',
    overdueStages: [],
    deadlines: {},
    createdAt: '2026-11-23T00:00:00Z',
    ...patch,
  } as AlertView;
}

function overdue(a: AlertView, stage: AlertOverdueMessage['stage'] = 'acknowledge'): AlertOverdueMessage {
  return { seq: '42', stage, escalated: false, alert: a };
}

describe('alert.overdue in the inbox', () => {
  it('marks the missed stage on the alert the push carries', () => {
    expect(overdueAlert(overdue(alert({ version: 2 }))).overdueStages).toEqual(['acknowledge']);
    const already = alert({ version: 2, overdueStages: ['acknowledge'] });
    expect(overdueAlert(overdue(already))).toBe(already);
    expect(pushedAlert(overdue(alert({ version: 2 }), 'dispatch')).overdueStages).toEqual(['dispatch']);
    expect(pushedAlert({ seq: '1', alert: already })).toBe(already);
  });

  it('replaces the listed alert, so its row shows overdue at once', () => {
    const inbox = new Map([['a1', alert({ version: 1 })]]);
    const next = mergePushedAlert(inbox, pushedAlert(overdue(alert({ version: 2 }))), true);
    expect(next.get('a1')?.overdueStages).toEqual(['acknowledge']);
    expect(next.get('a1')?.version).toBe(2);
  });

  it('never lets an older push replace a newer alert', () => {
    const newer = alert({ version: 3, status: 'ACKNOWLEDGED', overdueStages: ['acknowledge'] });
    const inbox = new Map([['a1', newer]]);
    expect(mergePushedAlert(inbox, pushedAlert(overdue(alert({ version: 2 }))), true)).toBe(inbox);
  });

  it('adds an alert that now matches (an overdue-only desk) and drops one that no longer does', () => {
    const empty = new Map<string, AlertView>();
    const added = mergePushedAlert(empty, pushedAlert(overdue(alert({ version: 2 }))), true);
    expect([...added.keys()]).toEqual(['a1']);
    expect(mergePushedAlert(empty, alert({ version: 2 }), false)).toBe(empty);
    expect(mergePushedAlert(added, alert({ version: 3 }), false).has('a1')).toBe(false);
  });
});
