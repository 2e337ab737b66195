import {
  buildHarnessApps,
  EventLoad,
  loadEvent,
  reconnectReader,
  startReliabilityStack,
  type ReliabilityStack,
} from './harness';
import { runFault, type FaultFigures } from './fault-run';

/**
 * The data services killed under load (docs/RELIABILITY.md): Redis with SIGKILL and restarted
 * from its append-only file while a backlog waits in the queue, then PostgreSQL with SIGKILL
 * for 10 s while deadlines pass. Zero events lost or counted twice, every passed deadline
 * marked overdue and escalated afterwards. The 2-minute PostgreSQL outage is in
 * long-outage.spec.ts (npm run test:reliability).
 */
describe('data services killed under load: nothing lost, nothing doubled, every deadline fires', () => {
  let stack: ReliabilityStack;
  const figures: FaultFigures[] = [];

  beforeAll(async () => {
    buildHarnessApps();
    stack = await startReliabilityStack();
  }, 180_000);

  afterAll(async () => {
    console.log(JSON.stringify({ reliability: figures }, null, 1));
    await stack?.close();
  });

  it('Redis SIGKILLed with a backlog in the queue and restarted from its AOF', async () => {
    const load = new EventLoad(stack.events, loadEvent(stack.cameras, 'redis'));
    const result = await runFault(stack, load, {
      fault: 'Redis SIGKILL, restarted after 5 s (AOF), 1,000-event backlog',
      outageMs: 5000,
      backlog: 1000,
      kill: () => stack.redis.kill(),
      restart: () => stack.redis.restart(),
    });
    figures.push(result);
  }, 180_000);

  it('PostgreSQL SIGKILLed for 10 s while deadlines pass', async () => {
    const load = new EventLoad(stack.events, loadEvent(stack.cameras, 'pg10'));
    const result = await runFault(stack, load, {
      fault: 'PostgreSQL SIGKILL, restarted after 10 s',
      outageMs: 10_000,
      kill: () => stack.postgres.kill(),
      restart: async () => {
        await stack.postgres.restart();
        await reconnectReader(stack);
      },
    });
    // Deadlines fell due while the database was away: they fired afterwards.
    expect(result.deadlinesDuringOutage).toBeGreaterThan(0);
    figures.push(result);
  }, 180_000);
});
