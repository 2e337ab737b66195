import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, HttpException, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DEFAULT_RECORDING_POLICY,
  IMPORT_COLUMNS,
  importWord,
  type ImportFormat,
  type ImportJobView,
  type ImportLanguage,
  type ImportOnExisting,
  type ImportRowReport,
  type ImportRowStatus,
  type RegisterDiscovered,
  type StartImport,
} from '@xueliang/contracts';
import { assertWritable, type AuthUser, inSubtreeOf } from '@xueliang/auth';
import { auditAction, Camera, Checkpoint, CredentialCipher, RecordingPolicyRecord } from '@xueliang/db';
import { gatewayRoutes, type ProbeResult } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig, redactCredentials } from '@xueliang/platform';
import { GatewayClient } from '../live-video/gateway-client.service';
import { RegionsService } from '../regions/regions.service';
import { ImportJobStore } from './import-job.store';
import {
  type CameraRowInput,
  type CheckpointRowInput,
  type ImportRowInput,
  missingColumns,
  type ReadRow,
  type RecordingCells,
  readImportRows,
  type RegionNode,
  RegionResolver,
} from './import-rows';
import { SheetCodec } from './sheet-codec';

/** The uploaded file as multer hands it over (memory storage). */
export interface UploadedSheet {
  buffer: Buffer;
  size: number;
  originalname: string;
}

const clip = (s: string | null, n = 64): string | null => (s === null ? null : s.slice(0, n));

function probedColumns(probe: ProbeResult): Partial<Camera> {
  return {
    manufacturer: clip(probe.manufacturer),
    model: clip(probe.model),
    serialNumber: clip(probe.serialNumber),
    firmware: clip(probe.firmware),
    mainProfileToken: clip(probe.main.profileToken),
    subProfileToken: clip(probe.sub?.profileToken ?? null),
    rtspUri: probe.main.rtspUri,
    subRtspUri: probe.sub?.rtspUri ?? null,
    snapshotUri: probe.snapshotUri,
    videoCodec: clip(probe.videoCodec, 16),
    ptz: probe.ptz,
    events: probe.events,
  };
}

/** A probe's failure as a row status; anything that is not the camera's own answer is "unreachable". */
function probeFailure(err: unknown): { status: ImportRowStatus; message: string } {
  if (err instanceof HttpException) {
    const body = err.getResponse();
    const { code, message } = (typeof body === 'object' && body !== null ? body : {}) as {
      code?: unknown;
      message?: unknown;
    };
    const said = redactCredentials(String(message ?? err.message)).slice(0, 200);
    if (code === 'camera_auth_failed') return { status: 'auth_failed', message: said };
    if (code === 'not_onvif') return { status: 'not_onvif', message: said };
    return { status: 'unreachable', message: said };
  }
  return { status: 'unreachable', message: 'the probe failed' };
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === '23505';

interface ExistingCamera {
  id: string;
  regionId: string;
  regionPath: string;
  nationalCode: string | null;
}

/** A row that passed every check that needs no camera, with what it resolved to. */
interface Candidate {
  index: number;
  input: ImportRowInput;
  region: RegionNode | null;
  existing: ExistingCamera | null;
}

interface RunContext {
  job: ImportJobView;
  user: AuthUser;
  ip: string;
  reports: ImportRowReport[];
  /** Names WS-Discovery gave, by address (discovery imports). */
  discoveredNames: Map<string, string>;
  lastFlush: number;
  saving: Promise<void>;
}

/**
 * Bulk onboarding: reads a sheet, checks every row (fields, region and scope, duplicates in the
 * file and in the registry), probes new cameras through the gateways with bounded parallelism,
 * and registers or updates them; a dry run does everything but store. Idempotent by address
 * (checkpoints: by code). Every run is audited, and each camera it stores as a register would be.
 */
@Injectable()
export class CameraImportService {
  private readonly log = new Logger('camera-import');
  private readonly cipher: CredentialCipher;
  private readonly concurrency: number;
  /** Users with an import running in this process: one at a time each. */
  private readonly running = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sheets: SheetCodec,
    private readonly jobs: ImportJobStore,
    private readonly gateways: GatewayClient,
    private readonly regions: RegionsService,
    @InjectConfig() config: AppConfig,
  ) {
    this.cipher = new CredentialCipher(config.CREDENTIAL_KEY);
    this.concurrency = config.IMPORT_PROBE_CONCURRENCY;
  }

  /** An empty sheet with the headers in one language; the .xlsx has a second sheet explaining them. */
  async template(format: ImportFormat, lang: ImportLanguage): Promise<Buffer> {
    const header = IMPORT_COLUMNS.map((c) => c[lang]);
    return this.sheets.write(format, lang === 'zh' ? '设备' : 'Devices', header, []);
  }

  async startFromFile(
    user: AuthUser,
    file: UploadedSheet | undefined,
    form: StartImport,
    ip: string,
  ): Promise<ImportJobView> {
    if (!file?.buffer?.length) {
      throw new BadRequestException('file: attach the CSV or .xlsx file as the "file" form field');
    }
    const table = await this.sheets.read(file.buffer);
    const missing = missingColumns(table.header);
    if (missing) throw new BadRequestException(`file: ${missing}`);
    const rows = readImportRows(table);
    if (!rows.length) throw new BadRequestException('file: no rows under the header');
    const defaultRegion = form.regionId ? await this.writableRegion(user, form.regionId) : null;
    return this.launch(user, ip, form.mode, form.onExisting, 'file', rows, defaultRegion, new Map());
  }

  /** Discovered devices with one region and one set of credentials: the same run as a file's. */
  async startFromDiscovery(user: AuthUser, body: RegisterDiscovered, ip: string): Promise<ImportJobView> {
    const region = await this.writableRegion(user, body.regionId);
    const scan = await this.gateways.ask(gatewayRoutes.discovery, {}).catch(() => undefined);
    const names = new Map<string, string>();
    for (const d of scan?.devices ?? []) if (d.name) names.set(d.xaddr, d.name);
    const recording: RecordingCells | null =
      body.recording && Object.keys(body.recording).length ? body.recording : null;
    const rows: ReadRow[] = [...new Set(body.xaddrs)].map((xaddr, i) => ({
      ok: true,
      input: {
        kind: 'camera',
        row: i + 1,
        address: xaddr,
        username: body.username,
        password: body.password,
        name: null,
        region: null,
        location: null,
        recording,
        nationalCode: null,
      },
    }));
    return this.launch(
      user,
      ip,
      body.dryRun ? 'dry-run' : 'register',
      'skip',
      'discovery',
      rows,
      region,
      names,
    );
  }

  job(user: AuthUser, id: string): Promise<ImportJobView> {
    return this.jobs.get(user.id, id);
  }

  /** The registry in the user's scope (or a region of it) in the import columns; passwords left empty. */
  async export(
    user: AuthUser,
    format: ImportFormat,
    lang: ImportLanguage,
    regionId: string | undefined,
    ip: string,
  ): Promise<Buffer> {
    const root = regionId ? (await this.regions.findVisible(user, regionId)).path : user.regionPath;
    const resolver = new RegionResolver(await this.loadRegions());
    const cameras = await this.db.query<
      {
        region_id: string;
        onvif_address: string;
        username: string;
        name: string;
        lon: number;
        lat: number;
        national_code: string | null;
        mode: string | null;
        stream: string | null;
        retention_days: number | null;
      }[]
    >(
      `SELECT c.region_id, c.onvif_address, c.username, c.name, c.lon, c.lat, c.national_code,
              p.mode, p.stream, p.retention_days
         FROM cameras c LEFT JOIN recording_policies p ON p.camera_id = c.id
        WHERE starts_with(c.region_path, $1) ORDER BY c.name, c.onvif_address`,
      [root],
    );
    const checkpoints = await this.db
      .getRepository(Checkpoint)
      .createQueryBuilder('k')
      .where('starts_with(k.regionPath, :root)', { root })
      .orderBy('k.code')
      .getMany();
    const regionCell = (id: string): string => {
      const r = resolver.byIdOf(id);
      return r ? resolver.namePath(r) : '';
    };
    const rows: string[][] = [
      ...cameras.map((c) => [
        importWord('kind', 'camera', lang),
        c.onvif_address,
        c.username,
        '',
        c.name,
        regionCell(c.region_id),
        String(c.lon),
        String(c.lat),
        c.mode ? importWord('recordingMode', c.mode, lang) : '',
        c.stream ? importWord('recordingStream', c.stream, lang) : '',
        c.retention_days === null ? '' : String(c.retention_days),
        c.national_code ?? '',
        '',
        '',
        '',
        '',
      ]),
      ...checkpoints.map((k) => [
        importWord('kind', 'checkpoint', lang),
        '',
        '',
        '',
        k.name,
        regionCell(k.regionId),
        String(k.lon),
        String(k.lat),
        '',
        '',
        '',
        '',
        k.code,
        k.road,
        k.direction,
        String(k.lanes),
      ]),
    ];
    await auditAction(this.db.manager, user, ip, {
      action: 'camera.export',
      targetType: 'camera',
      regionId: regionId ?? user.regionId,
      detail: { format, cameras: cameras.length, checkpoints: checkpoints.length },
    });
    const header = IMPORT_COLUMNS.map((c) => c[lang]);
    return this.sheets.write(format, lang === 'zh' ? '设备' : 'Devices', header, rows);
  }

  private async writableRegion(user: AuthUser, id: string): Promise<RegionNode> {
    const region = await this.regions.findVisible(user, id);
    assertWritable(user, region.path);
    return region;
  }

  private loadRegions(): Promise<RegionNode[]> {
    return this.db.query<RegionNode[]>(
      `SELECT id, code, name, parent_id AS "parentId", path, lon, lat FROM regions`,
    );
  }

  private async launch(
    user: AuthUser,
    ip: string,
    mode: ImportJobView['mode'],
    onExisting: ImportOnExisting,
    source: ImportJobView['source'],
    rows: ReadRow[],
    defaultRegion: RegionNode | null,
    discoveredNames: Map<string, string>,
  ): Promise<ImportJobView> {
    if (this.running.has(user.id)) {
      throw new ConflictException('an import of yours is still running; wait for it to finish');
    }
    const job: ImportJobView = {
      id: randomUUID(),
      mode,
      onExisting,
      source,
      state: 'running',
      total: rows.length,
      processed: 0,
      counts: {},
      rows: [],
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
    await this.jobs.save(user.id, job);
    this.running.add(user.id);
    const ctx: RunContext = {
      job,
      user,
      ip,
      reports: [],
      discoveredNames,
      lastFlush: Date.now(),
      saving: Promise.resolve(),
    };
    void this.run(ctx, rows, defaultRegion)
      .catch((err: unknown) => {
        // A fault of the whole run (the database gone, say): the rows done so far stay reported.
        this.log.error(`import ${job.id} failed: ${(err as Error).message}`);
        job.error = 'the import stopped on an internal error; run it again (it is idempotent)';
        job.state = 'failed';
      })
      .finally(async () => {
        this.running.delete(user.id);
        job.finishedAt = new Date().toISOString();
        if (job.state === 'running') job.state = 'done';
        job.rows = ctx.reports.filter(Boolean).sort((a, b) => a.row - b.row);
        await ctx.saving;
        await this.jobs.save(user.id, job).catch((err: unknown) => {
          this.log.error(`import ${job.id}: could not store the report: ${(err as Error).message}`);
        });
      });
    return { ...job };
  }

  private report(ctx: RunContext, index: number, r: ImportRowReport): void {
    ctx.reports[index] = r;
    ctx.job.processed++;
    ctx.job.counts[r.status] = (ctx.job.counts[r.status] ?? 0) + 1;
    if (Date.now() - ctx.lastFlush > 500) {
      ctx.lastFlush = Date.now();
      const snapshot = { ...ctx.job, counts: { ...ctx.job.counts }, rows: [] };
      ctx.saving = ctx.saving
        .then(() => this.jobs.save(ctx.user.id, snapshot))
        .catch((err: unknown) =>
          this.log.warn(`import ${ctx.job.id}: progress not stored: ${(err as Error).message}`),
        );
    }
  }

  private async run(ctx: RunContext, rows: ReadRow[], defaultRegion: RegionNode | null): Promise<void> {
    const { user } = ctx;
    const resolver = new RegionResolver(await this.loadRegions());
    const row = (
      i: number,
      input: ImportRowInput,
      status: ImportRowStatus,
      extra: Partial<ImportRowReport> = {},
    ) =>
      this.report(ctx, i, {
        row: input.row,
        kind: input.kind,
        address: input.address,
        name: input.name,
        status,
        action: null,
        column: null,
        message: null,
        id: null,
        ...extra,
      });
    const headerFor = (key: (typeof IMPORT_COLUMNS)[number]['key']) =>
      IMPORT_COLUMNS.find((c) => c.key === key)!.en;

    const candidates: Candidate[] = [];
    const seenAddress = new Map<string, number>();
    const seenNational = new Map<string, number>();
    rows.forEach((r, index) => {
      if (!r.ok) {
        const p = r.problem;
        this.report(ctx, index, {
          row: p.row,
          kind: p.kind,
          address: p.address,
          name: p.name,
          status: 'invalid',
          action: null,
          column: p.column,
          message: p.message,
          id: null,
        });
        return;
      }
      const input = r.input;
      let region: RegionNode | null = defaultRegion;
      if (input.region) {
        const match = resolver.resolve(input.region);
        if (!match.ok)
          return row(index, input, 'region_unknown', { column: headerFor('region'), message: match.message });
        region = match.region;
      }
      if (region && !inSubtreeOf(region.path, user.regionPath)) {
        return row(index, input, 'out_of_scope', {
          column: headerFor('region'),
          message: `region: ${region.name} is outside your region (${user.regionName}); not imported`,
        });
      }
      const key = `${input.kind}:${input.address.toLowerCase()}`;
      const earlier = seenAddress.get(key);
      if (earlier !== undefined) {
        return row(index, input, 'duplicate', {
          column: headerFor(input.kind === 'camera' ? 'address' : 'checkpointCode'),
          message: `${input.kind === 'camera' ? 'address' : 'checkpoint code'} also on row ${earlier}`,
        });
      }
      seenAddress.set(key, input.row);
      if (input.kind === 'camera' && input.nationalCode) {
        const first = seenNational.get(input.nationalCode);
        if (first !== undefined) {
          return row(index, input, 'duplicate', {
            column: headerFor('nationalCode'),
            message: `nationalCode also on row ${first}`,
          });
        }
        seenNational.set(input.nationalCode, input.row);
      }
      candidates.push({ index, input, region, existing: null });
    });

    // What the registry already holds, in a few queries rather than one per row.
    const cams = candidates.filter((c) => c.input.kind === 'camera');
    const existing = await this.existingCameras(cams.map((c) => c.input.address));
    const codes = cams.flatMap((c) =>
      c.input.kind === 'camera' && c.input.nationalCode ? [c.input.nationalCode] : [],
    );
    const nationalOwners = await this.nationalCodeOwners(codes);
    const checkpointCodes = candidates
      .filter((c) => c.input.kind === 'checkpoint')
      .map((c) => c.input.address);
    const existingCheckpoints = await this.existingCheckpoints(checkpointCodes);

    const work: Candidate[] = [];
    for (const c of candidates) {
      if (c.input.kind === 'camera') {
        c.existing = existing.get(c.input.address) ?? null;
        if (c.existing && !inSubtreeOf(c.existing.regionPath, user.regionPath)) {
          row(c.index, c.input, 'duplicate', {
            column: headerFor('address'),
            message: 'address: a camera at this address is registered in a region outside yours',
          });
          continue;
        }
        const owner = c.input.nationalCode ? nationalOwners.get(c.input.nationalCode) : undefined;
        if (owner && owner !== c.existing?.id) {
          row(c.index, c.input, 'duplicate', {
            column: headerFor('nationalCode'),
            message: 'nationalCode: another camera has this national code',
          });
          continue;
        }
      } else {
        const k = existingCheckpoints.get(c.input.address);
        c.existing = k
          ? { id: k.id, regionId: k.regionId, regionPath: k.regionPath, nationalCode: null }
          : null;
        if (c.existing && !inSubtreeOf(c.existing.regionPath, user.regionPath)) {
          row(c.index, c.input, 'duplicate', {
            column: headerFor('checkpointCode'),
            message: 'checkpoint code: a checkpoint with this code is registered in a region outside yours',
          });
          continue;
        }
      }
      if (!c.existing && !c.region) {
        // An existing record keeps its region when the cell is empty; a new one needs one.
        row(c.index, c.input, 'invalid', {
          column: headerFor('region'),
          message: 'region: give a region (name path or code) or choose a default region for the import',
        });
        continue;
      }
      work.push(c);
    }

    await pool(work, this.concurrency, async (c) => {
      try {
        if (c.input.kind === 'camera') await this.camera(ctx, c, c.input);
        else await this.checkpoint(ctx, c, c.input);
      } catch (err) {
        // A row's fault stays the row's: it never stops the others.
        const duplicate = isUniqueViolation(err);
        if (!duplicate) this.log.error(`import ${ctx.job.id} row ${c.input.row}: ${(err as Error).message}`);
        row(c.index, c.input, duplicate ? 'duplicate' : 'failed', {
          message: duplicate
            ? 'registered by someone else meanwhile (address, code or national code taken)'
            : 'could not be stored; run the import again',
        });
      }
    });

    await auditAction(this.db.manager, user, ctx.ip, {
      action: 'camera.import',
      targetType: 'camera',
      regionId: defaultRegion?.id ?? user.regionId,
      detail: {
        jobId: ctx.job.id,
        mode: ctx.job.mode,
        source: ctx.job.source,
        onExisting: ctx.job.onExisting,
        total: ctx.job.total,
        counts: ctx.job.counts,
      },
    });
  }

  private async camera(ctx: RunContext, c: Candidate, input: CameraRowInput): Promise<void> {
    const { job } = ctx;
    const region = c.region;
    const base: ImportRowReport = {
      row: input.row,
      kind: 'camera',
      address: input.address,
      name: input.name,
      status: 'valid',
      action: null,
      column: null,
      message: null,
      id: c.existing?.id ?? null,
    };
    const existing = c.existing;
    if (existing && job.onExisting === 'skip') {
      return this.report(ctx, c.index, {
        ...base,
        status: job.mode === 'dry-run' ? 'exists' : 'skipped',
        action: 'skip',
        message: 'already registered; left as it is',
      });
    }
    const needsProbe = !existing || input.password !== '';
    let probe: ProbeResult | undefined;
    if (needsProbe) {
      try {
        probe = await this.gateways.ask(
          gatewayRoutes.probe,
          {},
          {
            json: { onvifAddress: input.address, username: input.username, password: input.password },
            timeoutMs: 60_000,
          },
        );
      } catch (err) {
        const f = probeFailure(err);
        return this.report(ctx, c.index, {
          ...base,
          status: f.status,
          column: f.status === 'auth_failed' ? 'Password' : 'Address',
          message: f.message,
        });
      }
    }
    if (job.mode === 'dry-run') {
      return this.report(ctx, c.index, {
        ...base,
        status: existing ? 'exists' : 'valid',
        action: existing ? 'update' : 'create',
        name: input.name ?? ([probe?.manufacturer, probe?.model].filter(Boolean).join(' ') || null),
      });
    }
    if (!existing) {
      const name = (
        input.name ??
        ctx.discoveredNames.get(input.address) ??
        ([probe!.manufacturer, probe!.model].filter(Boolean).join(' ') || input.address)
      ).slice(0, 100);
      const now = new Date();
      const place = region!;
      const id = await this.db.transaction(async (tx) => {
        const camera = await tx.save(
          tx.create(Camera, {
            name,
            regionId: place.id,
            regionPath: place.path,
            lon: input.location?.lon ?? place.lon,
            lat: input.location?.lat ?? place.lat,
            onvifAddress: input.address,
            username: input.username,
            passwordEncrypted: this.cipher.encrypt(input.password),
            nationalCode: input.nationalCode,
            ...probedColumns(probe!),
            status: 'online',
            statusChangedAt: now,
            lastSeenAt: now,
          }),
        );
        if (input.recording) await this.savePolicy(tx, camera.id, input.recording, ctx.user.id);
        await auditAction(tx, ctx.user, ctx.ip, {
          action: 'camera.register',
          targetType: 'camera',
          targetId: camera.id,
          regionId: place.id,
          detail: { name, onvifAddress: input.address, model: camera.model, importJobId: job.id },
        });
        return camera.id;
      });
      return this.report(ctx, c.index, { ...base, status: 'created', action: 'create', name, id });
    }
    const changes: Partial<Camera> = {};
    if (input.region && region) Object.assign(changes, { regionId: region.id, regionPath: region.path });
    if (input.name) changes.name = input.name;
    if (input.location) Object.assign(changes, { lon: input.location.lon, lat: input.location.lat });
    if (input.nationalCode) changes.nationalCode = input.nationalCode;
    if (probe) {
      Object.assign(changes, probedColumns(probe), {
        username: input.username,
        passwordEncrypted: this.cipher.encrypt(input.password),
      });
    }
    await this.db.transaction(async (tx) => {
      if (Object.keys(changes).length) await tx.update(Camera, { id: existing.id }, changes);
      if (input.recording) await this.savePolicy(tx, existing.id, input.recording, ctx.user.id);
      await auditAction(tx, ctx.user, ctx.ip, {
        action: 'camera.update',
        targetType: 'camera',
        targetId: existing.id,
        regionId: changes.regionId ?? existing.regionId,
        detail: {
          // Field names only: a password never reaches the audit log.
          fields: [
            ...Object.keys(changes).filter((k) => k !== 'passwordEncrypted'),
            ...(input.recording ? ['recordingPolicy'] : []),
          ],
          importJobId: job.id,
        },
      });
    });
    if (probe) {
      await this.gateways
        .call(gatewayRoutes.reconnect, { id: existing.id }, { cameraId: existing.id })
        .catch(() => undefined);
    }
    this.report(ctx, c.index, { ...base, status: 'updated', action: 'update' });
  }

  private async checkpoint(ctx: RunContext, c: Candidate, input: CheckpointRowInput): Promise<void> {
    const { job } = ctx;
    const region = c.region;
    const existing = c.existing;
    const base: ImportRowReport = {
      row: input.row,
      kind: 'checkpoint',
      address: input.address,
      name: input.name,
      status: 'valid',
      action: null,
      column: null,
      message: null,
      id: existing?.id ?? null,
    };
    if (existing && job.onExisting === 'skip') {
      return this.report(ctx, c.index, {
        ...base,
        status: job.mode === 'dry-run' ? 'exists' : 'skipped',
        action: 'skip',
        message: 'already registered; left as it is',
      });
    }
    if (job.mode === 'dry-run') {
      return this.report(ctx, c.index, {
        ...base,
        status: existing ? 'exists' : 'valid',
        action: existing ? 'update' : 'create',
      });
    }
    const values: Partial<Checkpoint> = {
      name: input.name,
      road: input.road,
      direction: input.direction,
      lanes: input.lanes,
      ...(region && (input.region || !existing) ? { regionId: region.id, regionPath: region.path } : {}),
      ...(input.location
        ? { lon: input.location.lon, lat: input.location.lat }
        : !existing && region
          ? { lon: region.lon, lat: region.lat }
          : {}),
    };
    const id = await this.db.transaction(async (tx) => {
      let checkpointId = existing?.id;
      if (checkpointId) await tx.update(Checkpoint, { id: checkpointId }, values);
      else checkpointId = (await tx.save(tx.create(Checkpoint, { ...values, code: input.address }))).id;
      await auditAction(tx, ctx.user, ctx.ip, {
        action: existing ? 'checkpoint.update' : 'checkpoint.create',
        targetType: 'checkpoint',
        targetId: checkpointId,
        regionId: values.regionId ?? existing?.regionId ?? null,
        detail: { code: input.address, name: input.name, importJobId: job.id },
      });
      return checkpointId;
    });
    this.report(ctx, c.index, {
      ...base,
      status: existing ? 'updated' : 'created',
      action: existing ? 'update' : 'create',
      id,
    });
  }

  /** Upserts a camera's policy: the sheet's cells over the stored policy (or the default). */
  private async savePolicy(
    tx: EntityManager,
    cameraId: string,
    cells: RecordingCells,
    by: string,
  ): Promise<void> {
    const current = await tx.findOneBy(RecordingPolicyRecord, { cameraId });
    const base = current ?? { ...DEFAULT_RECORDING_POLICY };
    await tx.save(
      tx.create(RecordingPolicyRecord, {
        cameraId,
        mode: cells.mode ?? base.mode,
        stream: cells.stream ?? base.stream,
        preEventSeconds: base.preEventSeconds,
        postEventSeconds: base.postEventSeconds,
        retentionDays: cells.retentionDays ?? base.retentionDays,
        updatedBy: by,
      }),
    );
  }

  private async existingCameras(addresses: string[]): Promise<Map<string, ExistingCamera>> {
    const out = new Map<string, ExistingCamera>();
    for (let i = 0; i < addresses.length; i += 1000) {
      const rows = await this.db.query<
        {
          id: string;
          onvif_address: string;
          region_id: string;
          region_path: string;
          national_code: string | null;
        }[]
      >(
        'SELECT id, onvif_address, region_id, region_path, national_code FROM cameras WHERE onvif_address = ANY($1)',
        [addresses.slice(i, i + 1000)],
      );
      for (const r of rows) {
        out.set(r.onvif_address, {
          id: r.id,
          regionId: r.region_id,
          regionPath: r.region_path,
          nationalCode: r.national_code,
        });
      }
    }
    return out;
  }

  private async nationalCodeOwners(codes: string[]): Promise<Map<string, string>> {
    if (!codes.length) return new Map();
    const rows = await this.db.query<{ id: string; national_code: string }[]>(
      'SELECT id, national_code FROM cameras WHERE national_code = ANY($1)',
      [codes],
    );
    return new Map(rows.map((r) => [r.national_code, r.id]));
  }

  private async existingCheckpoints(
    codes: string[],
  ): Promise<Map<string, { id: string; regionId: string; regionPath: string }>> {
    if (!codes.length) return new Map();
    const rows = await this.db.query<{ id: string; code: string; region_id: string; region_path: string }[]>(
      'SELECT id, code, region_id, region_path FROM checkpoints WHERE code = ANY($1)',
      [codes],
    );
    return new Map(rows.map((r) => [r.code, { id: r.id, regionId: r.region_id, regionPath: r.region_path }]));
  }
}
