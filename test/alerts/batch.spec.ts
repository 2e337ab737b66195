import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { RawEvent } from '@xueliang/contracts';
import { createDataSource } from '@xueliang/db';
import { jobIdFor } from '@xueliang/queue';
import type { AlertEffects, SlaSubject } from '../../apps/alert-service/src/alert-effects';
import { RawEventIntake } from '../../apps/alert-service/src/intake/raw-event-intake';
import type { PendingAlertChange } from '@xueliang/alerts';
import { ownerDatabaseUrl } from '../support/env';
import { failedJob } from '../support/wait';
import { addCamera, type AlertStack, cameraEvent, countRows, startAlertStack, until } from './support';

/** What the intake asked to push and schedule (the socket and BullMQ are covered elsewhere). */
class RecordedEffects implements AlertEffects {
  published: PendingAlertChange[] = [];
  scheduled: SlaSubject[] = [];
  publish(changes: PendingAlertChange[]): Promise<void> {
    this.published.push(...changes);
    return Promise.resolve();
  }
  publishOverdue(): Promise<void> {
    return Promise.resolve();
  }
  scheduleSla(alert: SlaSubject): Promise<void> {
    this.scheduled.push(alert);
    return Promise.resolve();
  }
  scheduleSlaOfMany(alerts: SlaSubject[]): Promise<void> {
    this.scheduled.push(...alerts);
    return Promise.resolve();
  }
  rescheduleSla(): Promise<void> {
    return Promise.resolve();
  }
  cancelSettledSla(): Promise<void> {
    return Promise.resolve();
  }
}

describe('intake batches', () => {
  let stack: AlertStack;
  let db: DataSource;

  beforeAll(async () => {
    stack = await startAlertStack({ service: false });
    db = createDataSource({ url: stack.api.databaseUrl, poolSize: 2 });
    await db.initialize();
    // An event the database refuses though it is valid JSON and a known camera (a stand-in for
    // whatever a producer may send that only PostgreSQL rejects): the owner adds a trigger.
    const owner = new Client({
      connectionString: ownerDatabaseUrl(new URL(stack.api.databaseUrl).pathname.slice(1)),
    });
    await owner.connect();
    await owner.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id LIKE '%poison%' THEN RAISE EXCEPTION 'raw event % is poisoned', NEW.id; END IF;
  RETURN NEW;
END $$`);
    await owner.query(
      'CREATE TRIGGER refuse_poison BEFORE INSERT ON raw_events FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
    );
    await owner.end();
  });
  afterAll(async () => {
    await db?.destroy();
    await stack.close();
  });

  it('a batch with one poisoned event fails only that event; the rest count once, also when retried', async () => {
    const [a, b] = [
      await addCamera(stack.pg, stack.where.village1),
      await addCamera(stack.pg, stack.where.t2),
    ];
    const events: RawEvent[] = Array.from({ length: 30 }, (_, i) => cameraEvent(i % 2 ? a : b, `b-${i}`));
    events.splice(12, 0, cameraEvent(a, 'poison-1'));
    const effects = new RecordedEffects();
    const intake = new RawEventIntake(db, effects);

    const first = await intake.handleBatch(events);
    expect(first).toHaveLength(31);
    const failed = first.flatMap((o, i) => (o.ok ? [] : [{ i, error: String(o.error) }]));
    expect(failed).toEqual([{ i: 12, error: expect.stringMatching(/poisoned/) as string }]);
    expect(first.filter((o) => o.ok && o.value.outcome === 'created')).toHaveLength(2);
    expect(first.filter((o) => o.ok && o.value.outcome === 'correlated')).toHaveLength(28);
    expect(intake.profile.snapshot().stepsMs['isolated-batches']).toBe(1);

    // The whole batch again (a redelivery): nothing counts twice, the poisoned one fails again.
    const again = await intake.handleBatch(events);
    expect(again.filter((o) => o.ok && o.value.outcome === 'duplicate')).toHaveLength(30);
    expect(again[12].ok).toBe(false);

    const { rows } = await stack.pg.query<{ camera_id: string; event_count: number }>(
      'SELECT camera_id, event_count FROM alerts WHERE camera_id = ANY($1::uuid[]) ORDER BY event_count',
      [[a, b]],
    );
    expect(rows.map((r) => r.event_count)).toEqual([15, 15]);
    expect(
      await countRows(stack.pg, `SELECT count(*) AS n FROM raw_events WHERE payload->>'cameraId' = ANY($1)`, [
        [a, b],
      ]),
    ).toBe(30);
    // The pushes of the good events, each seq in the change log with the same view.
    const seqs = effects.published.map((c) => c.message.seq);
    const { rows: logged } = await stack.pg.query<{ seq: string; payload: { eventCount: number } }>(
      'SELECT seq::text AS seq, payload FROM alert_changes WHERE seq = ANY($1::bigint[]) ORDER BY alert_changes.seq',
      [seqs],
    );
    expect(logged.map((l) => l.seq)).toEqual(seqs);
    expect(logged.map((l) => l.payload.eventCount)).toEqual(
      effects.published.map((c) => c.message.alert.eventCount),
    );
  });

  it('through the queue: the poisoned job is kept as failed, its batch mates are counted once', async () => {
    const camera = await addCamera(stack.pg, stack.where.village1);
    const events = Array.from({ length: 40 }, (_, i) => cameraEvent(camera, `q-${i}`));
    events.splice(20, 0, cameraEvent(camera, 'poison-2'));
    // Queued before the service starts, so the worker takes them together.
    await stack.events.addBulk(
      events.map((e) => ({ name: 'raw-event', data: e, opts: { jobId: jobIdFor(e.id) } })),
    );
    await stack.startService();
    const job = await failedJob(stack.events, jobIdFor(cameraEvent(camera, 'poison-2').id));
    expect(job.failedReason).toMatch(/poisoned/);
    expect(job.attemptsMade).toBeLessThanOrEqual(1);
    await until('batch mates counted', async () => {
      const c = await stack.events.getJobCounts('waiting', 'active');
      return c.waiting + c.active === 0;
    });
    const { rows } = await stack.pg.query<{ event_count: number }>(
      'SELECT event_count FROM alerts WHERE camera_id = $1',
      [camera],
    );
    expect(rows).toEqual([{ event_count: 40 }]);
    expect((await stack.events.getJobCounts('failed')).failed).toBe(1);
  });
});
