import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import {
  OPEN_ALERT_STATUSES,
  RawEventSchema,
  safeParseInput,
  summariseIssues,
  type RawEvent,
} from '@xueliang/contracts';
import { recordAudit } from '@xueliang/db';
import {
  appendTimeline,
  computeDeadlines,
  recordAlertChange,
  recordAlertChanges,
  type AlertChangeEvent,
  type Deadlines,
  type PendingAlertChange,
} from '@xueliang/alerts';
import { isTransientFailure } from '@xueliang/queue';
import type { AlertEffects, SlaSubject } from '../alert-effects';
import { correlationKey, DEFAULT_PRIORITY, isRecovery, TYPE_TITLE } from './correlation';
import { IntakeCache, type PolicyRow, type Subject } from './intake-cache';
import type { BatchOutcome } from './micro-batcher';
import { IntakeProfile } from './intake-profile';

export type IntakeOutcome = 'created' | 'correlated' | 'duplicate' | 'muted' | 'recovered' | 'recorded';

export interface IntakeResult {
  outcome: IntakeOutcome;
  alertId: string | null;
}

const OPEN = OPEN_ALERT_STATUSES as readonly string[];
const SYSTEM = '系统';
/** Correlation window when no policy names one. */
const DEFAULT_WINDOW_SECONDS = 600;

/** A valid event of the batch, with its place in the batch. */
interface Item {
  index: number;
  event: RawEvent;
  key: string;
  subject: Subject;
}

/** A new alert the batch will insert: its first event, and the events of the batch it absorbed. */
interface NewAlert {
  id: string;
  first: Item;
  priority: string;
  deadlines: Deadlines;
  count: number;
  lastSeenMs: number;
  /** The first absorbed event (for the timeline's merge note), if any. */
  absorbed: string | null;
}

/** Events of the batch that joined an alert that was open before it. */
interface Bump {
  count: number;
  lastSeenMs: number;
  absorbed: string;
}

/** An alert open before the batch as its bump left it; `noted` if a merge note is under a minute old. */
interface Bumped {
  id: string;
  status: SlaSubject['status'];
  event_count: number;
  noted: boolean;
}

/** What the batch committed and what to do about it afterwards. */
interface Committed {
  changes: PendingAlertChange[];
  schedule: SlaSubject[];
  cancel: SlaSubject[];
}

const ok = (value: IntakeResult): BatchOutcome<IntakeResult> => ({ ok: true, value });
const fail = (error: unknown): BatchOutcome<IntakeResult> => ({ ok: false, error });

/**
 * validate → correlate or create → persist, for a batch of events in one transaction:
 *
 * 1. advisory locks on the batch's correlation keys, taken in one statement in hash order (two
 *    batches, in this process or another, that share a key serialise; no lock order cycles);
 * 2. the cache version (see IntakeCache) and the subjects of the events, cached;
 * 3. one multi-row INSERT of the raw events, ON CONFLICT (id) DO NOTHING: an event that is
 *    already there (a retried or duplicated job, in this batch or any before) counts nothing;
 * 4. correlation by key in memory: one query for the open alerts of the batch's keys, then each
 *    event in queue order joins the open alert of its key inside the window, or makes a new one
 *    that later events of the batch join;
 * 5. one multi-row INSERT for the new alerts, one UPDATE for the bumped ones, one for the raw
 *    events' links and mute flags, one INSERT each for timeline and audit rows;
 * 6. one change-log row per alert per batch (the view as the batch leaves it), so the push after
 *    commit and a sync replay carry the same seq and the same view.
 *
 * Keys whose events include a camera's recovery go one event at a time (the rare path, the
 * statements of the one-event intake) so a flap of offline/online keeps its order.
 * After commit: the pushes in seq order, the SLA checks of every new alert in one addBulk.
 *
 * A batch that fails for a reason that is not an outage is taken apart: each event runs alone,
 * so only the event at fault fails (and is kept as a failed job) and the others count once.
 */
export class RawEventIntake {
  readonly profile = new IntakeProfile();
  readonly cache = new IntakeCache();

  constructor(
    private readonly db: DataSource,
    private readonly effects: AlertEffects,
  ) {}

  /** One event (the batch of one); throws what would fail its job. */
  async handle(data: unknown): Promise<IntakeResult> {
    const [outcome] = await this.handleBatch([data]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** One outcome per element of `data`, in order. Never throws. */
  async handleBatch(data: unknown[]): Promise<BatchOutcome<IntakeResult>[]> {
    const p = this.profile;
    p.batch(data.length);
    const outcomes: BatchOutcome<IntakeResult>[] = new Array<BatchOutcome<IntakeResult>>(data.length);
    const valid: { index: number; event: RawEvent; key: string }[] = [];
    const started = performance.now();
    data.forEach((d, index) => {
      // Text PostgreSQL cannot store fails here once, naming the field, not on every retry at INSERT.
      const parsed = safeParseInput(RawEventSchema, d);
      if (!parsed.success) {
        outcomes[index] = fail(new UnrecoverableError(`invalid raw event: ${summariseIssues(parsed.error)}`));
      } else {
        valid.push({ index, event: parsed.data, key: correlationKey(parsed.data) });
      }
    });
    p.add('validate', performance.now() - started);
    if (!valid.length) return outcomes;

    let committed: Committed;
    try {
      committed = await p.time('transaction', () =>
        this.db.transaction((tx) => this.persist(tx, valid, outcomes)),
      );
    } catch (error) {
      if (valid.length === 1 || isTransientFailure(error)) {
        for (const v of valid) outcomes[v.index] = fail(error);
        return outcomes;
      }
      // Something in the batch is wrong: find it by running each event alone.
      p.add('isolated-batches', 1);
      for (const v of valid) [outcomes[v.index]] = await this.handleBatch([data[v.index]]);
      return outcomes;
    }

    try {
      await p.time('publish', () => this.effects.publish(committed.changes));
      if (committed.schedule.length) {
        await p.time('sla-schedule', () => this.effects.scheduleSlaOfMany(committed.schedule));
      }
      for (const s of committed.cancel) await p.time('sla-cancel', () => this.effects.cancelSettledSla(s));
    } catch (error) {
      // Committed but not announced: the jobs go round again (as duplicates they change nothing;
      // deadlines are reconciled at boot and by the sweep).
      for (const v of valid) outcomes[v.index] = fail(error);
    }
    return outcomes;
  }

  private async persist(
    tx: EntityManager,
    valid: { index: number; event: RawEvent; key: string }[],
    outcomes: BatchOutcome<IntakeResult>[],
  ): Promise<Committed> {
    const p = this.profile;
    const committed: Committed = { changes: [], schedule: [], cancel: [] };

    const now = await p.time('lock', () => this.cache.lockAndSync(tx, [...new Set(valid.map((v) => v.key))]));
    const subjects = await p.time('subjects', () =>
      this.cache.subjectsOf(
        tx,
        valid.map((v) => v.event),
      ),
    );
    const items: Item[] = [];
    valid.forEach((v, i) => {
      const subject = subjects[i];
      if (subject) items.push({ ...v, subject });
      else outcomes[v.index] = fail(new UnrecoverableError(unknownSubject(v.event)));
    });
    if (!items.length) return committed;

    const inserted = await p.time('insert-raw', () => this.insertRaw(tx, items));
    const fresh: Item[] = [];
    for (const item of items) {
      if (inserted.delete(item.event.id)) fresh.push(item);
      else outcomes[item.index] = ok({ outcome: 'duplicate', alertId: null });
    }
    if (!fresh.length) return committed;

    const groups = new Map<string, Item[]>();
    for (const item of fresh) {
      const g = groups.get(item.key);
      if (g) g.push(item);
      else groups.set(item.key, [item]);
    }
    const batchable: Item[] = [];
    for (const group of groups.values()) {
      if (!group.some((i) => isRecovery(i.event))) {
        batchable.push(...group);
        continue;
      }
      for (const item of group) {
        outcomes[item.index] = ok(await p.time('one-by-one', () => this.one(tx, item, committed)));
      }
    }
    if (batchable.length) await this.correlateBatch(tx, batchable, now, outcomes, committed);
    committed.changes.sort((a, b) => Number(BigInt(a.message.seq) - BigInt(b.message.seq)));
    return committed;
  }

  /** The raw events of the batch that were not there before (ids), in one statement. */
  private async insertRaw(tx: EntityManager, items: Item[]): Promise<Set<string>> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO raw_events (id, source, type, occurred_at, payload)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::jsonb[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        items.map((i) => i.event.id),
        items.map((i) => i.event.source),
        items.map((i) => i.event.type),
        items.map((i) => i.event.occurredAt),
        items.map((i) => JSON.stringify(i.event)),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  private async correlateBatch(
    tx: EntityManager,
    items: Item[],
    now: Date,
    outcomes: BatchOutcome<IntakeResult>[],
    committed: Committed,
  ): Promise<void> {
    const p = this.profile;
    const muted = await p.time('mutes', () => this.mutedOf(tx, items, now));
    const links: { eventId: string; alertId: string | null; muted: boolean }[] = [];
    const live: Item[] = [];
    items.forEach((item, i) => {
      if (!muted[i]) return live.push(item);
      links.push({ eventId: item.event.id, alertId: null, muted: true });
      outcomes[item.index] = ok({ outcome: 'muted', alertId: null });
    });

    const policies = await p.time('policies', async () => {
      const out: (PolicyRow | null)[] = [];
      for (const item of live) out.push(await this.cache.policy(tx, item.event.type, priorityOf(item.event)));
      return out;
    });
    const keys = [...new Set(live.filter((i) => i.event.source !== 'manual').map((i) => i.key))];
    const open = await p.time('open-alerts', () =>
      keys.length
        ? tx.query<{ id: string; correlation_key: string; last_seen_at: Date }[]>(
            `SELECT DISTINCT ON (correlation_key) id, correlation_key, last_seen_at FROM alerts
              WHERE correlation_key = ANY($1::varchar[]) AND status = ANY($2::varchar[])
              ORDER BY correlation_key, last_seen_at DESC`,
            [keys, OPEN],
          )
        : Promise.resolve([]),
    );

    // The alert each key's next event may join: open before the batch, or made by it.
    const current = new Map<string, { id: string; lastSeenMs: number; created: NewAlert | null }>(
      open.map((o) => [o.correlation_key, { id: o.id, lastSeenMs: o.last_seen_at.getTime(), created: null }]),
    );
    const created: NewAlert[] = [];
    const bumps = new Map<string, Bump>();
    const createdAt = new Date();
    live.forEach((item, i) => {
      const { event } = item;
      const policy = policies[i];
      const window = policy?.correlation_window_seconds ?? DEFAULT_WINDOW_SECONDS;
      const occurredMs = Date.parse(event.occurredAt);
      const target = current.get(item.key);
      if (
        window > 0 &&
        event.source !== 'manual' &&
        target &&
        target.lastSeenMs >= now.getTime() - window * 1000
      ) {
        target.lastSeenMs = Math.max(target.lastSeenMs, occurredMs);
        if (target.created) {
          target.created.count++;
          target.created.lastSeenMs = target.lastSeenMs;
          target.created.absorbed ??= event.id;
        } else {
          const bump = bumps.get(target.id) ?? { count: 0, lastSeenMs: occurredMs, absorbed: event.id };
          bump.count++;
          bump.lastSeenMs = Math.max(bump.lastSeenMs, occurredMs);
          bumps.set(target.id, bump);
        }
        links.push({ eventId: event.id, alertId: target.id, muted: false });
        outcomes[item.index] = ok({ outcome: 'correlated', alertId: target.id });
        return;
      }
      const alert: NewAlert = {
        id: randomUUID(),
        first: item,
        priority: priorityOf(event),
        deadlines: policy ? computeDeadlines(createdAt, policy) : {},
        count: 1,
        lastSeenMs: occurredMs,
        absorbed: null,
      };
      created.push(alert);
      current.set(item.key, { id: alert.id, lastSeenMs: occurredMs, created: alert });
      links.push({ eventId: event.id, alertId: alert.id, muted: false });
      outcomes[item.index] = ok({ outcome: 'created', alertId: alert.id });
    });

    const numbers = created.length
      ? await p.time('insert-alerts', () => this.insertAlerts(tx, created, createdAt))
      : new Map<string, string>();
    // TypeORM answers an UPDATE … RETURNING as [rows, affected].
    const [bumped] = bumps.size
      ? await p.time('update-alerts', () =>
          tx.query<[Bumped[], number]>(
            `UPDATE alerts a SET event_count = a.event_count + v.n,
                    last_seen_at = GREATEST(a.last_seen_at, v.seen), updated_at = now()
               FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS v(id, n, seen)
              WHERE a.id = v.id
              RETURNING a.id, a.status, a.event_count, EXISTS (
                SELECT 1 FROM alert_timeline t WHERE t.alert_id = a.id AND t.action = 'correlate'
                   AND t.at > now() - interval '60 seconds') AS noted`,
            [
              [...bumps.keys()],
              [...bumps.values()].map((b) => b.count),
              [...bumps.values()].map((b) => new Date(b.lastSeenMs).toISOString()),
            ],
          ),
        )
      : [[]];
    if (links.length) {
      await p.time('link-raw', () =>
        tx.query(
          `UPDATE raw_events r SET alert_id = v.a, muted = v.m
             FROM unnest($1::varchar[], $2::uuid[], $3::boolean[]) AS v(id, a, m) WHERE r.id = v.id`,
          [links.map((l) => l.eventId), links.map((l) => l.alertId), links.map((l) => l.muted)],
        ),
      );
    }
    await p.time('timeline', () => this.writeTimeline(tx, created, bumps, bumped));
    if (created.length) await p.time('audit', () => this.writeAudit(tx, created, numbers));

    const changes: { event: AlertChangeEvent; alertId: string }[] = [
      ...created.map((a) => ({ event: 'alert.created' as const, alertId: a.id })),
      ...bumped.map((b) => ({ event: 'alert.updated' as const, alertId: b.id })),
    ];
    committed.changes.push(...(await p.time('change-log', () => recordAlertChanges(tx, changes))));
    for (const a of created) {
      committed.schedule.push({
        id: a.id,
        deadlines: a.deadlines,
        status: 'NEW',
        acknowledgedAt: null,
        dispatchedAt: null,
        acceptedAt: null,
        arrivedAt: null,
        resolvedAt: null,
      });
    }
  }

  /** Per item, whether an active mute covers it (the mutes are cached, see IntakeCache). */
  private async mutedOf(tx: EntityManager, items: Item[], now: Date): Promise<boolean[]> {
    const mutes = await this.cache.activeMutes(tx, now);
    if (!mutes.length) return items.map(() => false);
    return items.map((i) =>
      mutes.some(
        (m) =>
          (m.alertType === null || m.alertType === i.event.type) &&
          ((m.cameraId !== null && m.cameraId === (i.event.cameraId ?? null)) ||
            (m.checkpointId !== null && m.checkpointId === (i.event.checkpointId ?? null))),
      ),
    );
  }

  /** Inserts the new alerts; answers their numbers by id. */
  private async insertAlerts(
    tx: EntityManager,
    created: NewAlert[],
    createdAt: Date,
  ): Promise<Map<string, string>> {
    const col = <T>(f: (a: NewAlert) => T): T[] => created.map(f);
    const rows = await tx.query<{ id: string; number: string }[]>(
      `INSERT INTO alerts (id, number, type, source, priority, status, title, description, region_id, region_path,
                           origin_region_id, camera_id, checkpoint_id, lon, lat, correlation_key, event_count,
                           first_seen_at, last_seen_at, deadlines, created_by_id, version, created_at, updated_at)
       SELECT v.id, to_char($19::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' ||
                    lpad(nextval('alert_number_seq')::text, 6, '0'),
              v.type, v.source, v.priority, 'NEW', v.title, v.description, v.region_id, v.region_path,
              v.region_id, v.camera_id, v.checkpoint_id, v.lon, v.lat, v.correlation_key, v.event_count,
              v.first_seen, v.last_seen, v.deadlines, v.created_by, 1, $19, $19
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[],
                     $7::uuid[], $8::text[], $9::uuid[], $10::uuid[], $11::float8[], $12::float8[],
                     $13::varchar[], $14::int[], $15::timestamptz[], $16::timestamptz[], $17::jsonb[], $18::uuid[])
              WITH ORDINALITY AS v(id, type, source, priority, title, description, region_id, region_path,
                                   camera_id, checkpoint_id, lon, lat, correlation_key, event_count, first_seen,
                                   last_seen, deadlines, created_by, n)
        ORDER BY v.n
       RETURNING id, number`,
      [
        col((a) => a.id),
        col((a) => a.first.event.type),
        col((a) => a.first.event.source),
        col((a) => a.priority),
        col((a) => titleOf(a.first)),
        col((a) => a.first.event.description ?? ''),
        col((a) => a.first.subject.regionId),
        col((a) => a.first.subject.regionPath),
        col((a) => a.first.event.cameraId ?? null),
        col((a) => a.first.event.checkpointId ?? null),
        col((a) => a.first.event.location?.lon ?? a.first.subject.lon),
        col((a) => a.first.event.location?.lat ?? a.first.subject.lat),
        col((a) => a.first.key),
        col((a) => a.count),
        col((a) => a.first.event.occurredAt),
        col((a) => new Date(a.lastSeenMs).toISOString()),
        col((a) => JSON.stringify(a.deadlines)),
        col((a) => raisedByOf(a.first.event)),
        createdAt.toISOString(),
      ],
    );
    return new Map(rows.map((r) => [r.id, r.number]));
  }

  /**
   * 'create' for every new alert, and the merge note ('correlate') at most once a minute per
   * alert: a 1,000-event storm leaves a readable trail, not 1,000 lines (raw_events links every
   * one to its alert).
   */
  private async writeTimeline(
    tx: EntityManager,
    created: NewAlert[],
    bumps: Map<string, Bump>,
    bumped: Bumped[],
  ): Promise<void> {
    const rows: {
      alertId: string;
      actor: string;
      action: string;
      from: string | null;
      to: string;
      note: string;
      data: Record<string, unknown>;
    }[] = [];
    for (const a of created) {
      const e = a.first.event;
      rows.push({
        alertId: a.id,
        actor: e.reporter ?? SYSTEM,
        action: 'create',
        from: null,
        to: 'NEW',
        note: `${e.source} event ${e.id}`,
        data: { eventId: e.id, source: e.source },
      });
    }
    const merges = [
      ...created.flatMap((a) =>
        a.absorbed ? [{ id: a.id, status: 'NEW', count: a.count, eventId: a.absorbed }] : [],
      ),
      ...bumped
        .filter((b) => !b.noted)
        .map((b) => ({
          id: b.id,
          status: b.status,
          count: b.event_count,
          eventId: bumps.get(b.id)!.absorbed,
        })),
    ];
    for (const m of merges) {
      rows.push({
        alertId: m.id,
        actor: SYSTEM,
        action: 'correlate',
        from: m.status,
        to: m.status,
        note: `重复事件已合并，累计 ${m.count} 次 (repeated events merged)`,
        data: { eventId: m.eventId, eventCount: m.count },
      });
    }
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO alert_timeline (alert_id, actor_name, action, from_status, to_status, note, data)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::jsonb[])`,
      [
        rows.map((r) => r.alertId),
        rows.map((r) => r.actor.slice(0, 64)),
        rows.map((r) => r.action),
        rows.map((r) => r.from),
        rows.map((r) => r.to),
        rows.map((r) => r.note),
        rows.map((r) => JSON.stringify(r.data)),
      ],
    );
  }

  /** alert.create in the audit log for every new alert, one statement (the log is append-only). */
  private async writeAudit(
    tx: EntityManager,
    created: NewAlert[],
    numberOf: Map<string, string>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (actor_name, action, target_type, target_id, region_id, detail)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::uuid[], $6::jsonb[])`,
      [
        created.map((a) => (a.first.event.reporter ?? SYSTEM).slice(0, 64)),
        created.map(() => 'alert.create'),
        created.map(() => 'alert'),
        created.map((a) => a.id),
        created.map((a) => a.first.subject.regionId),
        created.map((a) =>
          JSON.stringify({
            number: numberOf.get(a.id),
            eventId: a.first.event.id,
            type: a.first.event.type,
            priority: a.priority,
          }),
        ),
      ],
    );
  }

  /**
   * One event of a key whose batch holds a camera's recovery: the statements of the one-event
   * intake, so offline → online → offline in one batch resolves and reopens in order.
   */
  private async one(tx: EntityManager, item: Item, committed: Committed): Promise<IntakeResult> {
    const { event, key } = item;
    if (isRecovery(event)) {
      const resolved = await this.resolveOutage(tx, event, key);
      if (!resolved) return { outcome: 'recorded', alertId: null };
      committed.changes.push(resolved.change);
      committed.cancel.push(resolved.sla);
      return { outcome: 'recovered', alertId: resolved.alertId };
    }
    const [muted] = await this.mutedOf(
      tx,
      [item],
      (await tx.query<{ now: Date }[]>('SELECT now() AS now'))[0].now,
    );
    if (muted) {
      await tx.query('UPDATE raw_events SET muted = true WHERE id = $1', [event.id]);
      return { outcome: 'muted', alertId: null };
    }
    const priority = priorityOf(event);
    const policy = await this.cache.policy(tx, event.type, priority);
    const window = policy?.correlation_window_seconds ?? DEFAULT_WINDOW_SECONDS;
    if (window > 0 && event.source !== 'manual') {
      const [open] = await tx.query<{ id: string }[]>(
        `SELECT id FROM alerts
          WHERE correlation_key = $1 AND status = ANY($2) AND last_seen_at >= now() - make_interval(secs => $3)
          ORDER BY last_seen_at DESC LIMIT 1`,
        [key, OPEN, window],
      );
      if (open) {
        // Counters are not workflow state: no version bump, so a storm never makes an officer's ack stale.
        const [[row]] = await tx.query<[Omit<Bumped, 'id'>[], number]>(
          `UPDATE alerts a SET event_count = event_count + 1,
                  last_seen_at = GREATEST(last_seen_at, $2::timestamptz), updated_at = now()
            WHERE id = $1 RETURNING status, event_count, EXISTS (
              SELECT 1 FROM alert_timeline t WHERE t.alert_id = a.id AND t.action = 'correlate'
                 AND t.at > now() - interval '60 seconds') AS noted`,
          [open.id, event.occurredAt],
        );
        await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, open.id]);
        await this.writeTimeline(
          tx,
          [],
          new Map([[open.id, { count: 1, lastSeenMs: 0, absorbed: event.id }]]),
          [{ id: open.id, ...row }],
        );
        committed.changes.push(await recordAlertChange(tx, 'alert.updated', open.id));
        return { outcome: 'correlated', alertId: open.id };
      }
    }
    const createdAt = new Date();
    const alert: NewAlert = {
      id: randomUUID(),
      first: item,
      priority,
      deadlines: policy ? computeDeadlines(createdAt, policy) : {},
      count: 1,
      lastSeenMs: Date.parse(event.occurredAt),
      absorbed: null,
    };
    const numbers = await this.insertAlerts(tx, [alert], createdAt);
    await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, alert.id]);
    await this.writeTimeline(tx, [alert], new Map(), []);
    await this.writeAudit(tx, [alert], numbers);
    committed.changes.push(await recordAlertChange(tx, 'alert.created', alert.id));
    committed.schedule.push({
      id: alert.id,
      deadlines: alert.deadlines,
      status: 'NEW',
      acknowledgedAt: null,
      dispatchedAt: null,
      acceptedAt: null,
      arrivedAt: null,
      resolvedAt: null,
    });
    return { outcome: 'created', alertId: alert.id };
  }

  /** The camera is back: its open offline alert resolves itself, saying so on the timeline. */
  private async resolveOutage(
    tx: EntityManager,
    event: RawEvent,
    key: string,
  ): Promise<{ alertId: string; change: PendingAlertChange; sla: SlaSubject } | null> {
    const offlineKey = key; // same source + camera + type (camera_offline or recording_stopped)
    const recording = event.type === 'recording_stopped';
    const [open] = await tx.query<{ id: string; status: string; region_id: string }[]>(
      `SELECT id, status, region_id FROM alerts WHERE correlation_key = $1 AND status = ANY($2)
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [offlineKey, OPEN],
    );
    if (!open) return null;
    const [updated] = await tx.query<
      [
        {
          deadlines: SlaSubject['deadlines'];
          acknowledged_at: Date | null;
          dispatched_at: Date | null;
          accepted_at: Date | null;
          arrived_at: Date | null;
          resolved_at: Date | null;
        }[],
        number,
      ]
    >(
      `UPDATE alerts SET status = 'RESOLVED', resolved_at = now(), outcome = $2, last_seen_at = GREATEST(last_seen_at, $3::timestamptz),
              version = version + 1, updated_at = now()
        WHERE id = $1
        RETURNING deadlines, acknowledged_at, dispatched_at, accepted_at, arrived_at, resolved_at`,
      [open.id, recording ? '录像已恢复，系统自动办结' : '摄像机已恢复在线，系统自动办结', event.occurredAt],
    );
    await tx.query('UPDATE raw_events SET alert_id = $2 WHERE id = $1', [event.id, open.id]);
    await appendTimeline(tx, {
      alertId: open.id,
      actorId: null,
      actorName: SYSTEM,
      action: 'auto-resolve',
      fromStatus: open.status as SlaSubject['status'],
      toStatus: 'RESOLVED',
      note: recording
        ? '录像已恢复，告警自动办结 (recording resumed)'
        : '摄像机已恢复在线，告警自动办结 (camera back online)',
      data: { eventId: event.id },
    });
    await recordAudit(tx, {
      actorId: null,
      actorName: SYSTEM,
      action: 'alert.auto-resolve',
      targetType: 'alert',
      targetId: open.id,
      regionId: open.region_id,
      detail: { eventId: event.id },
    });
    const change = await recordAlertChange(tx, 'alert.updated', open.id);
    const u = updated[0];
    return {
      alertId: open.id,
      change,
      sla: {
        id: open.id,
        status: 'RESOLVED',
        deadlines: u.deadlines,
        acknowledgedAt: u.acknowledged_at,
        dispatchedAt: u.dispatched_at,
        acceptedAt: u.accepted_at,
        arrivedAt: u.arrived_at,
        resolvedAt: u.resolved_at,
      },
    };
  }
}

function priorityOf(event: RawEvent): string {
  return event.priority ?? DEFAULT_PRIORITY[event.type];
}

function titleOf(item: Item): string {
  return (item.event.title ?? `${TYPE_TITLE[item.event.type]} · ${item.subject.name}`).slice(0, 200);
}

function raisedByOf(event: RawEvent): string | null {
  const raisedBy = event.attributes?.raisedById;
  return typeof raisedBy === 'string' && /^[0-9a-f-]{36}$/i.test(raisedBy) ? raisedBy : null;
}

function unknownSubject(event: RawEvent): string {
  if (event.cameraId) return `cameraId: camera ${event.cameraId} is not registered`;
  if (event.checkpointId) return `checkpointId: checkpoint ${event.checkpointId} is not registered`;
  return `regionId: region ${event.regionId} does not exist`;
}
