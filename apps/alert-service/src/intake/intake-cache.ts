import type { RawEvent } from '@xueliang/contracts';
import type { StageSeconds } from '@xueliang/alerts';
import type { Queryable } from '@xueliang/db';

/** Where an event happened, from its camera, else its checkpoint, else its region. */
export interface Subject {
  regionId: string;
  regionPath: string;
  name: string;
  lon: number | null;
  lat: number | null;
}

export interface PolicyRow extends StageSeconds {
  correlation_window_seconds: number;
}

/** An alert mute (technicians' maintenance windows), as the intake matches it. */
export interface Mute {
  cameraId: string | null;
  checkpointId: string | null;
  alertType: string | null;
  startsMs: number;
  endsMs: number;
}

interface PlaceRow {
  id: string;
  region_id: string;
  region_path: string;
  name: string;
  lon: number | null;
  lat: number | null;
}

/** Entries kept at most; past this the cache starts over (a city has ~50,000 cameras). */
const MAX_SUBJECTS = 200_000;

/**
 * camera / checkpoint / region → Subject, every SLA policy and the active mutes, kept between
 * batches. Exact,
 * not timed: each batch first reads alert_intake_cache_version in its own transaction (the
 * triggers of migration 1764900000000 move it with any change to cameras', checkpoints' or
 * regions' placement and names, or to any SLA policy) and starts over when it moved, so a
 * change that committed before the batch is always seen. Unknown ids are never cached (a
 * camera registered a moment ago is found on its first event).
 */
export class IntakeCache {
  private version: string | null = null;
  private readonly subjects = new Map<string, Subject>();
  private policies: Map<string, PolicyRow> | null = null;
  private mutes: { validUntil: number; list: Mute[] } | null = null;
  hits = 0;
  misses = 0;

  /**
   * Takes the advisory locks of `keys` (one statement, in hash order, so two batches sharing keys
   * never wait on each other in a cycle), reads the version and the transaction's time, and drops
   * everything cached if the version moved. One round trip.
   */
  async lockAndSync(db: Queryable, keys: string[]): Promise<Date> {
    const [row] = (await db.query(
      `SELECT (SELECT count(pg_advisory_xact_lock(h)) FROM (
                 SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS keys) AS locked,
              (SELECT version::text FROM alert_intake_cache_version WHERE id = 1) AS version, now() AS now`,
      [keys],
    )) as { version: string; now: Date }[];
    if (row.version !== this.version) {
      this.subjects.clear();
      this.policies = null;
      this.mutes = null;
      this.version = row.version;
    }
    return row.now;
  }

  /** Mutes not cancelled and not yet ended (their windows are checked per event against `now`). */
  async activeMutes(db: Queryable, now: Date): Promise<Mute[]> {
    if (!this.mutes || this.mutes.validUntil <= now.getTime()) {
      const rows = (await db.query(
        `SELECT camera_id, checkpoint_id, alert_type, starts_at, ends_at FROM alert_mutes
          WHERE cancelled_at IS NULL AND ends_at > now() ORDER BY ends_at`,
      )) as {
        camera_id: string | null;
        checkpoint_id: string | null;
        alert_type: string | null;
        starts_at: Date;
        ends_at: Date;
      }[];
      this.mutes = {
        // Re-read when the first of them ends (a mute's end is no change to the table).
        validUntil: rows.length ? rows[0].ends_at.getTime() : Infinity,
        list: rows.map((r) => ({
          cameraId: r.camera_id,
          checkpointId: r.checkpoint_id,
          alertType: r.alert_type,
          startsMs: r.starts_at.getTime(),
          endsMs: r.ends_at.getTime(),
        })),
      };
    }
    const at = now.getTime();
    return this.mutes.list.filter((m) => m.startsMs <= at && m.endsMs > at);
  }

  async policy(db: Queryable, type: string, priority: string): Promise<PolicyRow | null> {
    if (!this.policies) {
      const rows = (await db.query(
        `SELECT alert_type, priority, acknowledge_seconds AS "acknowledgeSeconds", dispatch_seconds AS "dispatchSeconds",
                accept_seconds AS "acceptSeconds", arrive_seconds AS "arriveSeconds",
                resolve_seconds AS "resolveSeconds", correlation_window_seconds
           FROM sla_policies`,
      )) as (PolicyRow & { alert_type: string; priority: string })[];
      this.policies = new Map(
        rows.map(({ alert_type, priority: p, ...policy }) => [`${alert_type}|${p}`, policy]),
      );
    }
    return this.policies.get(`${type}|${priority}`) ?? null;
  }

  /**
   * The subject of each event, null where its camera, checkpoint or region does not exist.
   * Misses are fetched with one query per kind for the whole batch.
   */
  async subjectsOf(db: Queryable, events: RawEvent[]): Promise<(Subject | null)[]> {
    const keyOf = (e: RawEvent): string =>
      e.cameraId
        ? `camera:${e.cameraId}`
        : e.checkpointId
          ? `checkpoint:${e.checkpointId}`
          : `region:${e.regionId}`;
    const missing = { camera: new Set<string>(), checkpoint: new Set<string>(), region: new Set<string>() };
    for (const e of events) {
      if (this.subjects.has(keyOf(e))) continue;
      if (e.cameraId) missing.camera.add(e.cameraId);
      else if (e.checkpointId) missing.checkpoint.add(e.checkpointId);
      else if (e.regionId) missing.region.add(e.regionId);
    }
    const fetched = missing.camera.size + missing.checkpoint.size + missing.region.size;
    this.misses += fetched;
    this.hits += events.length - fetched;
    if (fetched) {
      if (this.subjects.size + fetched > MAX_SUBJECTS) this.subjects.clear();
      const load = async (kind: 'camera' | 'checkpoint', table: string, ids: Set<string>): Promise<void> => {
        if (!ids.size) return;
        const rows = (await db.query(
          `SELECT id, region_id, region_path, name, lon, lat FROM ${table} WHERE id = ANY($1::uuid[])`,
          [[...ids]],
        )) as PlaceRow[];
        for (const r of rows) {
          this.subjects.set(`${kind}:${r.id}`, {
            regionId: r.region_id,
            regionPath: r.region_path,
            name: r.name,
            lon: r.lon,
            lat: r.lat,
          });
        }
      };
      await load('camera', 'cameras', missing.camera);
      await load('checkpoint', 'checkpoints', missing.checkpoint);
      if (missing.region.size) {
        const rows = (await db.query('SELECT id, path, name FROM regions WHERE id = ANY($1::uuid[])', [
          [...missing.region],
        ])) as { id: string; path: string; name: string }[];
        for (const r of rows) {
          this.subjects.set(`region:${r.id}`, {
            regionId: r.id,
            regionPath: r.path,
            name: r.name,
            lon: null,
            lat: null,
          });
        }
      }
    }
    return events.map((e) => this.subjects.get(keyOf(e)) ?? null);
  }
}
