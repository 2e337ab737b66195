import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';

/**
 * Recorded footage as fixtures: segment files of a given size under a recordings directory and
 * their index rows with a correct hash chain (per camera × stream × UTC day), as the recorder
 * writes them. Retention works on the index and the files, so it needs nothing more real.
 */
export interface SegmentSpec {
  cameraId: string;
  start: Date;
  seconds?: number;
  bytes?: number;
  stream?: 'main' | 'sub';
  gatewayId?: string;
}

export interface Segment {
  id: string;
  cameraId: string;
  path: string;
  start: Date;
  bytes: number;
}

export class Footage {
  private readonly chains = new Map<string, string>();

  constructor(
    readonly pg: Client,
    readonly dir: string,
  ) {}

  async add(spec: SegmentSpec): Promise<Segment> {
    const stream = spec.stream ?? 'sub';
    const bytes = spec.bytes ?? 10_000;
    const end = new Date(spec.start.getTime() + (spec.seconds ?? 4) * 1000);
    const day = spec.start.toISOString().slice(0, 10);
    const rel = path.join(spec.cameraId, stream, day, `${spec.start.getTime()}.ts`);
    const content = randomBytes(bytes);
    await fs.mkdir(path.join(this.dir, path.dirname(rel)), { recursive: true });
    await fs.writeFile(path.join(this.dir, rel), content);
    const sha = createHash('sha256').update(content).digest('hex');
    const chain = `${spec.cameraId}|${stream}|${day}`;
    const prev = this.chains.get(chain) ?? null;
    this.chains.set(chain, sha);
    const { rows } = await this.pg.query<{ id: string }>(
      `INSERT INTO recording_segments (camera_id, stream, start_at, end_at, bytes, sha256, prev_sha256, chain_day, path, gateway_id, codec)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'h264') RETURNING id`,
      [spec.cameraId, stream, spec.start, end, bytes, sha, prev, day, rel, spec.gatewayId ?? 'gw-ret'],
    );
    return { id: String(rows[0].id), cameraId: spec.cameraId, path: rel, start: spec.start, bytes };
  }

  /** Segment ids the index still holds, of those given. */
  async indexed(segments: Segment[]): Promise<Set<string>> {
    const { rows } = await this.pg.query<{ id: string }>(
      'SELECT id FROM recording_segments WHERE id = ANY($1::bigint[])',
      [segments.map((s) => s.id)],
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  onDisk(segment: Segment): boolean {
    return existsSync(path.join(this.dir, segment.path));
  }

  /** Asserts index and disk agree on each segment, and returns whether each is kept. */
  async kept(segments: Segment[]): Promise<boolean[]> {
    const ids = await this.indexed(segments);
    return segments.map((s) => {
      const inIndex = ids.has(s.id);
      if (inIndex !== this.onDisk(s)) {
        throw new Error(`segment ${s.path}: index ${inIndex ? 'has' : 'lacks'} it, disk does not agree`);
      }
      return inIndex;
    });
  }

  /** An evidence lock row as the api writes it. */
  async lock(
    cameraIds: string[],
    from: Date,
    to: Date,
    patch: { expiresAt?: Date | null; releasedAt?: Date | null } = {},
  ): Promise<string> {
    const { rows } = await this.pg.query<{ id: string }>(
      `INSERT INTO evidence_locks (camera_ids, from_at, to_at, reason, created_by, expires_at, released_at)
       VALUES ($1::uuid[], $2, $3, 'fixture', $4, $5, $6) RETURNING id`,
      [cameraIds, from, to, randomUUID(), patch.expiresAt ?? null, patch.releasedAt ?? null],
    );
    return rows[0].id;
  }
}

export async function tempRecordingsDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `xl-rec-${label}-`));
}

/** Camera rows (a policy needs one): in the given region. */
export async function addCameraRow(
  pg: Client,
  region: { id: string; path: string },
  name: string,
): Promise<string> {
  const id = randomUUID();
  await pg.query(
    `INSERT INTO cameras (id, name, region_id, region_path, lon, lat, onvif_address, status)
     VALUES ($1, $2, $3, $4, 101.0, 38.7, $5, 'online')`,
    [id, name, region.id, region.path, `http://127.0.0.2:9/onvif/${id}`],
  );
  return id;
}

/**
 * A gateway app in this process with its background loops off (tests call the sweeper), over
 * the env already applied (database, Redis prefix) plus `env`.
 */
export async function startRetentionGateway(id: string, env: NodeJS.ProcessEnv): Promise<INestApplication> {
  Object.assign(process.env, { GATEWAY_BACKGROUND: 'false', GATEWAY_ID: id }, env);
  const { createGatewayApp } = await import('../../apps/camera-gateway/src/bootstrap');
  const app = await createGatewayApp({ logger: false });
  await app.init();
  return app;
}

export const minutesAgo = (n: number, from = Date.now()): Date => new Date(from - n * 60_000);
export const daysAgo = (n: number, from = Date.now()): Date => new Date(from - n * 86_400_000);
