import { hash } from '@node-rs/argon2';
import { DataSource, EntityManager, In } from 'typeorm';
import { ALERT_TYPES, PRIORITIES, type Role } from '@xueliang/contracts';
import { CredentialCipher } from '../credential-cipher';
import { createDataSource } from '../data-source';
import { Camera, Checkpoint, IntegrationKey, Region, ResponseUnit, SlaPolicy, User } from '../entities';
import { storedKeyParts } from '../integration-keys';
import {
  COUNTY,
  COUNTY_UNITS,
  DEMO_PASSWORD,
  DEMO_USERS,
  demoRegions,
  townshipUnits,
  TOWNSHIPS,
} from './demo-county';
import { slaDefaults } from './sla-defaults';

export interface SeedOptions {
  /** Either an open DataSource or a URL to open one. */
  dataSource?: DataSource;
  databaseUrl?: string;
  credentialKey: string;
  /** Control API of the camera simulator; its fleet is registered as the county's cameras. */
  simControlUrl?: string;
  /** Registers this API key for the simulated checkpoints' vehicle-pass feed (the demo stack). */
  checkpointFeedKey?: string;
  /** Make the county hold at least this many cameras, adding placeholder ones (benchmarks). */
  cameras?: number;
  log?: (message: string) => void;
}

export interface SeedResult {
  regions: number;
  users: number;
  units: number;
  cameras: number;
  checkpoints: number;
  slaPolicies: number;
}

/** What the simulator's control API lists per camera (fields it may name differently are tolerated). */
export interface SimCameraListing {
  id: string;
  name: string;
  xaddr: string;
  username: string;
  password: string;
  ptz?: boolean;
  rtspMain?: string;
  rtspSub?: string;
  snapshotUri?: string;
  /** h264 / h265: decides copy or transcode before the gateway's first probe fills in the rest. */
  codec?: string;
}

export interface SimCheckpointListing {
  code: string;
  name: string;
  road: string;
  direction: string;
  lanes: number;
}

/**
 * Seeds the demo county. Idempotent: a second run adds only what is missing, so `npm start`
 * can call it every time without touching what users changed.
 */
export async function seedDemoCounty(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const ds = options.dataSource ?? createDataSource({ url: requireUrl(options.databaseUrl), poolSize: 4 });
  const owned = !options.dataSource;
  if (owned) await ds.initialize();
  try {
    const regions = await seedRegions(ds.manager);
    await seedUnits(ds.manager, regions);
    await seedUsers(ds.manager, regions);
    await seedSlaPolicies(ds.manager);
    const cipher = new CredentialCipher(options.credentialKey);
    if (options.simControlUrl) {
      const fleet = await fetchSimFleet(options.simControlUrl, log);
      await registerSimCameras(ds.manager, regions, fleet.cameras, cipher);
      await seedMainStreamRecording(ds.manager, DEMO_MAIN_STREAM_CAMERAS);
      await registerCheckpoints(ds.manager, regions, fleet.checkpoints);
    }
    if (options.checkpointFeedKey)
      await registerCheckpointFeed(ds.manager, regions, options.checkpointFeedKey);
    if (options.cameras) await addPlaceholderCameras(ds.manager, regions, options.cameras);
    const result: SeedResult = {
      regions: await ds.getRepository(Region).count(),
      users: await ds.getRepository(User).count(),
      units: await ds.getRepository(ResponseUnit).count(),
      cameras: await ds.getRepository(Camera).count(),
      checkpoints: await ds.getRepository(Checkpoint).count(),
      slaPolicies: await ds.getRepository(SlaPolicy).count(),
    };
    log(`seed: ${JSON.stringify(result)}`);
    return result;
  } finally {
    if (owned) await ds.destroy();
  }
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('seedDemoCounty needs dataSource or databaseUrl');
  return url;
}

type RegionsByCode = Map<string, Region>;

async function seedRegions(m: EntityManager): Promise<RegionsByCode> {
  const repo = m.getRepository(Region);
  const existing = new Map((await repo.find()).map((r) => [r.code, r]));
  for (const seed of demoRegions()) {
    if (existing.has(seed.code)) continue;
    const parent = seed.parentCode ? existing.get(seed.parentCode) : undefined;
    const region = await repo.save(
      repo.create({
        code: seed.code,
        name: seed.name,
        level: seed.level,
        parentId: parent?.id ?? null,
        path: `${parent?.path ?? ''}${seed.code}.`,
        lon: seed.lon,
        lat: seed.lat,
        boundary: seed.boundary,
      }),
    );
    existing.set(region.code, region);
  }
  return existing;
}

function townshipCode(index: number): string {
  return `${COUNTY.code}${String(index + 1).padStart(3, '0')}`;
}

async function seedUnits(m: EntityManager, regions: RegionsByCode): Promise<void> {
  const repo = m.getRepository(ResponseUnit);
  if ((await repo.count()) > 0) return;
  const county = regions.get(COUNTY.code)!;
  const rows = COUNTY_UNITS.map((u) => ({ ...u, regionId: county.id }));
  TOWNSHIPS.forEach((t, i) => {
    const region = regions.get(townshipCode(i))!;
    rows.push(...townshipUnits(t.name, i).map((u) => ({ ...u, regionId: region.id })));
  });
  await repo.insert(rows);
}

async function seedUsers(m: EntityManager, regions: RegionsByCode): Promise<void> {
  const repo = m.getRepository(User);
  const present = new Set(
    (await repo.find({ where: { username: In(DEMO_USERS.map((u) => u.username)) } })).map((u) => u.username),
  );
  for (const u of DEMO_USERS) {
    if (present.has(u.username)) continue;
    const region = regions.get(u.township === null ? COUNTY.code : townshipCode(u.township))!;
    await repo.insert({
      username: u.username,
      displayName: u.displayName,
      passwordHash: await hash(DEMO_PASSWORD),
      roles: [...u.roles] as Role[],
      regionId: region.id,
    });
  }
}

async function seedSlaPolicies(m: EntityManager): Promise<void> {
  await m
    .createQueryBuilder()
    .insert()
    .into(SlaPolicy)
    .values(slaDefaults(ALERT_TYPES, PRIORITIES))
    .orIgnore()
    .execute();
}

async function fetchSimFleet(
  url: string,
  log: (m: string) => void,
): Promise<{ cameras: SimCameraListing[]; checkpoints: SimCheckpointListing[] }> {
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(new URL(path, url), { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`camera simulator ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const cameras = listOf(await get('/cameras'), 'cameras').map(toSimCamera);
  const checkpoints = listOf(
    await get('/checkpoints').catch(() => []),
    'checkpoints',
  ) as unknown as SimCheckpointListing[];
  log(`seed: simulator lists ${cameras.length} cameras and ${checkpoints.length} checkpoints`);
  return { cameras, checkpoints };
}

function listOf(body: unknown, key: string): Record<string, unknown>[] {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  const inner = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as Record<string, unknown>[]) : [];
}

function toSimCamera(c: Record<string, unknown>): SimCameraListing {
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof c[k] === 'string') return c[k];
    return undefined;
  };
  const rtsp = (c.rtsp ?? {}) as Record<string, unknown>;
  return {
    id: String(c.id),
    name: str('name') ?? String(c.id),
    xaddr: str('xaddr', 'deviceUrl', 'onvifAddress', 'deviceServiceUrl') ?? '',
    username: str('username', 'user') ?? 'admin',
    password: str('password', 'pass') ?? '',
    ptz: Boolean(c.ptz),
    rtspMain: str('rtspMain', 'mainUri') ?? (typeof rtsp.main === 'string' ? rtsp.main : undefined),
    rtspSub: str('rtspSub', 'subUri') ?? (typeof rtsp.sub === 'string' ? rtsp.sub : undefined),
    snapshotUri: str('snapshotUri', 'snapshot'),
    codec: str('codec', 'videoCodec'),
  };
}

/** Villages and grids, spread round-robin across townships so every township has cameras. */
function placementRegions(regions: RegionsByCode): Region[] {
  const byTownship = TOWNSHIPS.map((_, i) =>
    [...regions.values()].filter((r) => r.level === 'grid' && r.path.includes(`.${townshipCode(i)}.`)),
  );
  const out: Region[] = [];
  for (let i = 0; out.length < regions.size; i++) {
    const t = byTownship[i % byTownship.length];
    const r = t[Math.floor(i / byTownship.length) % t.length];
    if (!r) break;
    out.push(r);
  }
  return out;
}

/** Deterministic jitter so positions stay put between runs. */
function jitter(seed: number, span: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * span;
}

async function registerSimCameras(
  m: EntityManager,
  regions: RegionsByCode,
  cameras: SimCameraListing[],
  cipher: CredentialCipher,
): Promise<void> {
  const places = placementRegions(regions);
  const rows = cameras
    .filter((c) => c.xaddr)
    .map((c, i) => {
      const region = places[i % places.length];
      return {
        name: c.name,
        regionId: region.id,
        regionPath: region.path,
        lon: region.lon + jitter(i + 1, 0.015),
        lat: region.lat + jitter(i + 101, 0.008),
        onvifAddress: c.xaddr,
        username: c.username,
        passwordEncrypted: cipher.encrypt(c.password),
        ptz: c.ptz ?? false,
        rtspUri: c.rtspMain ?? null,
        subRtspUri: c.rtspSub ?? null,
        snapshotUri: c.snapshotUri ?? null,
        videoCodec: c.codec?.toLowerCase() ?? null,
        status: 'unknown' as const,
      };
    });
  if (rows.length) await m.createQueryBuilder().insert().into(Camera).values(rows).orIgnore().execute();
}

/** Sim cameras whose main stream the demo records (the rest follow the gateway's default: sub). */
const DEMO_MAIN_STREAM_CAMERAS = 3;

/**
 * Recording policies for a few demo cameras: continuous on the main stream, so the demo shows
 * both kinds of footage. Only cameras with a main RTSP stream, first by name; a camera that
 * already has a policy (a technician's choice) keeps it.
 */
async function seedMainStreamRecording(m: EntityManager, count: number): Promise<void> {
  await m.query(
    `INSERT INTO recording_policies (camera_id, mode, stream, pre_event_seconds, post_event_seconds, retention_days)
     SELECT id, 'continuous', 'main', 10, 30, 30 FROM cameras
      WHERE rtsp_uri IS NOT NULL ORDER BY name LIMIT $1
     ON CONFLICT (camera_id) DO NOTHING`,
    [count],
  );
}

async function registerCheckpoints(
  m: EntityManager,
  regions: RegionsByCode,
  checkpoints: SimCheckpointListing[],
): Promise<void> {
  const townships = TOWNSHIPS.map((_, i) => regions.get(townshipCode(i))!);
  const rows = checkpoints.map((c, i) => {
    const region = townships[i % townships.length];
    return {
      code: c.code,
      name: c.name,
      road: c.road,
      direction: c.direction,
      lanes: c.lanes,
      regionId: region.id,
      regionPath: region.path,
      lon: region.lon + jitter(i + 501, 0.05),
      lat: region.lat + jitter(i + 601, 0.02),
    };
  });
  if (rows.length) await m.createQueryBuilder().insert().into(Checkpoint).values(rows).orIgnore().execute();
}

/**
 * Placeholder cameras for county-sized benchmarks. Their addresses are on loopback (127.1.x.y,
 * a closed port), so health polling finds them offline without sending traffic anywhere else.
 */
async function addPlaceholderCameras(
  m: EntityManager,
  regions: RegionsByCode,
  target: number,
): Promise<void> {
  const have = await m.getRepository(Camera).count();
  const places = placementRegions(regions);
  const rows = [];
  for (let i = have; i < target; i++) {
    const region = places[i % places.length];
    rows.push({
      name: `${region.name}-${String(i + 1).padStart(5, '0')}`,
      regionId: region.id,
      regionPath: region.path,
      lon: region.lon + jitter(i + 1001, 0.018),
      lat: region.lat + jitter(i + 2001, 0.01),
      onvifAddress: `http://127.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}:9/onvif/device_service#${i}`,
      status: 'unknown' as const,
    });
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await m
      .createQueryBuilder()
      .insert()
      .into(Camera)
      .values(rows.slice(i, i + 1000))
      .orIgnore()
      .execute();
  }
}

/** The demo's checkpoint feed is an integration like any other: a county-wide key for source checkpoint. */
async function registerCheckpointFeed(m: EntityManager, regions: RegionsByCode, key: string): Promise<void> {
  const parts = storedKeyParts(key);
  if (await m.getRepository(IntegrationKey).existsBy({ prefix: parts.prefix })) return;
  await m.getRepository(IntegrationKey).insert({
    name: '卡口过车数据（演示模拟器）',
    ...parts,
    source: 'checkpoint',
    regionId: regions.get(COUNTY.code)!.id,
  });
}
