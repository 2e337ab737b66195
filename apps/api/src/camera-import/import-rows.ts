import {
  IMPORT_COLUMNS,
  IMPORT_VALUE_WORDS,
  importColumnOf,
  NationalCodeSchema,
  OnvifAddressSchema,
  RECORDING_LIMITS,
  type ImportColumnKey,
  type RecordingMode,
  type StreamKind,
} from '@xueliang/contracts';

/**
 * The pure part of an import: a table of strings (from CSV or .xlsx) to typed rows, each either
 * ready for the registry checks (region, duplicates, probe) or a bad field naming its column.
 */

/** A sheet as read: the header cells and the data rows, every cell a trimmed string. */
export interface SheetTable {
  header: string[];
  rows: string[][];
}

export interface RowLocation {
  lon: number;
  lat: number;
}

export interface RecordingCells {
  mode?: RecordingMode;
  stream?: StreamKind;
  retentionDays?: number;
}

export interface CameraRowInput {
  kind: 'camera';
  row: number;
  address: string;
  username: string;
  password: string;
  name: string | null;
  region: string | null;
  location: RowLocation | null;
  recording: RecordingCells | null;
  nationalCode: string | null;
}

export interface CheckpointRowInput {
  kind: 'checkpoint';
  row: number;
  /** The checkpoint code (its identity, as the address is a camera's). */
  address: string;
  name: string;
  region: string | null;
  location: RowLocation | null;
  road: string;
  direction: string;
  lanes: number;
}

export type ImportRowInput = CameraRowInput | CheckpointRowInput;

/** A row refused before any lookup: the column (as its header reads in the file) and why. */
export interface RowProblem {
  kind: 'camera' | 'checkpoint';
  row: number;
  address: string;
  name: string | null;
  column: string;
  message: string;
}

export type ReadRow = { ok: true; input: ImportRowInput } | { ok: false; problem: RowProblem };

class FieldError extends Error {
  constructor(
    readonly key: ImportColumnKey,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_ONVIF_PATH = '/onvif/device_service';

/**
 * An ONVIF device URL, or a bare host[:port] (IPv4, name, [IPv6]) made into the usual device
 * service URL. Credentials in the URL are refused as registration refuses them.
 */
export function normaliseOnvifAddress(cell: string): string {
  const text = cell.trim();
  if (!text) throw new FieldError('address', 'address is required (ONVIF device URL or host[:port])');
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}${DEFAULT_ONVIF_PATH}`;
  const parsed = OnvifAddressSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new FieldError('address', parsed.error.issues[0]?.message ?? 'not a valid ONVIF address');
  }
  const url = new URL(parsed.data);
  if (url.pathname === '/' && !/^[a-z]+:\/\/[^/]+\/./i.test(text)) url.pathname = DEFAULT_ONVIF_PATH;
  return url.toString();
}

function wordOf<C extends keyof typeof IMPORT_VALUE_WORDS>(
  key: C,
  cell: string,
): keyof (typeof IMPORT_VALUE_WORDS)[C] | undefined {
  const c = cell.trim().toLowerCase();
  const words = IMPORT_VALUE_WORDS[key] as Record<string, readonly string[]>;
  const hit = Object.entries(words).find(([, list]) => list.some((w) => w.toLowerCase() === c));
  return hit?.[0] as keyof (typeof IMPORT_VALUE_WORDS)[C] | undefined;
}

function integer(key: ImportColumnKey, cell: string, min: number, max: number): number {
  const n = Number(cell);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new FieldError(key, `${key} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function location(cells: Cells): RowLocation | null {
  const lon = cells.get('lon');
  const lat = cells.get('lat');
  if (!lon && !lat) return null;
  if (!lon) throw new FieldError('lon', 'longitude is missing while latitude is given');
  if (!lat) throw new FieldError('lat', 'latitude is missing while longitude is given');
  const x = Number(lon);
  const y = Number(lat);
  if (!Number.isFinite(x) || x < -180 || x > 180)
    throw new FieldError('lon', 'longitude must be -180 to 180');
  if (!Number.isFinite(y) || y < -90 || y > 90) throw new FieldError('lat', 'latitude must be -90 to 90');
  return { lon: x, lat: y };
}

function text(cells: Cells, key: ImportColumnKey, max: number, required: boolean): string {
  const v = cells.get(key) ?? '';
  if (required && !v) throw new FieldError(key, `${key} is required`);
  if (v.length > max) throw new FieldError(key, `${key} is longer than ${max} characters`);
  return v;
}

type Cells = Map<ImportColumnKey, string>;

function recording(cells: Cells): RecordingCells | null {
  const out: RecordingCells = {};
  const mode = cells.get('recordingMode');
  const stream = cells.get('recordingStream');
  const days = cells.get('retentionDays');
  if (mode) {
    const m = wordOf('recordingMode', mode);
    if (!m)
      throw new FieldError(
        'recordingMode',
        'recordingMode must be off, continuous or events (关闭/连续/事件)',
      );
    out.mode = m;
  }
  if (stream) {
    const s = wordOf('recordingStream', stream);
    if (!s) throw new FieldError('recordingStream', 'recordingStream must be main or sub (主码流/子码流)');
    out.stream = s;
  }
  if (days) {
    const { min, max } = RECORDING_LIMITS.retentionDays;
    out.retentionDays = integer('retentionDays', days, min, max);
  }
  return Object.keys(out).length ? out : null;
}

function readCamera(row: number, cells: Cells): CameraRowInput {
  const address = normaliseOnvifAddress(cells.get('address') ?? '');
  const code = cells.get('nationalCode');
  let nationalCode: string | null = null;
  if (code) {
    const parsed = NationalCodeSchema.safeParse(code);
    if (!parsed.success) throw new FieldError('nationalCode', parsed.error.issues[0].message);
    nationalCode = parsed.data;
  }
  const name = text(cells, 'name', 100, false);
  return {
    kind: 'camera',
    row,
    address,
    username: text(cells, 'username', 64, false),
    password: text(cells, 'password', 128, false),
    name: name || null,
    region: cells.get('region') || null,
    location: location(cells),
    recording: recording(cells),
    nationalCode,
  };
}

function readCheckpoint(row: number, cells: Cells): CheckpointRowInput {
  const code = text(cells, 'checkpointCode', 32, true);
  const lanes = cells.get('lanes');
  return {
    kind: 'checkpoint',
    row,
    address: code,
    name: text(cells, 'name', 100, true),
    region: cells.get('region') || null,
    location: location(cells),
    road: text(cells, 'road', 100, true),
    direction: text(cells, 'direction', 32, true),
    lanes: lanes ? integer('lanes', lanes, 1, 16) : 2,
  };
}

/**
 * Reads every data row of the table. A header without an address or checkpoint code column
 * is the caller's problem (see `missingColumns`); empty rows are skipped.
 */
export function readImportRows(table: SheetTable): ReadRow[] {
  const keys = table.header.map((h) => importColumnOf(h));
  const headerOf = (key: ImportColumnKey): string => {
    const i = keys.indexOf(key);
    return i >= 0 ? table.header[i] : (IMPORT_COLUMNS.find((c) => c.key === key)?.en ?? key);
  };
  const out: ReadRow[] = [];
  table.rows.forEach((cellsRow, i) => {
    if (cellsRow.every((c) => !c.trim())) return;
    const row = i + 2;
    const cells: Cells = new Map();
    keys.forEach((key, col) => {
      if (key && !cells.get(key)) cells.set(key, (cellsRow[col] ?? '').trim());
    });
    const kindCell = cells.get('kind') ?? '';
    const kind = kindCell ? wordOf('kind', kindCell) : 'camera';
    const address = cells.get(kind === 'checkpoint' ? 'checkpointCode' : 'address') ?? '';
    const name = cells.get('name') || null;
    if (!kind) {
      out.push({
        ok: false,
        problem: {
          kind: 'camera',
          row,
          address,
          name,
          column: headerOf('kind'),
          message: 'type must be camera or checkpoint (摄像机/卡口)',
        },
      });
      return;
    }
    try {
      out.push({
        ok: true,
        input: kind === 'checkpoint' ? readCheckpoint(row, cells) : readCamera(row, cells),
      });
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      out.push({
        ok: false,
        problem: { kind, row, address, name, column: headerOf(err.key), message: err.message },
      });
    }
  });
  return out;
}

/** What the header lacks to read any row: an address column (or, for checkpoints, a code). */
export function missingColumns(header: string[]): string | null {
  const keys = new Set(header.map((h) => importColumnOf(h)));
  if (keys.has('address') || keys.has('checkpointCode')) return null;
  return 'the first row must be the header with at least an 地址/Address column (download the template)';
}

export interface RegionNode {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  path: string;
  lon: number;
  lat: number;
}

export type RegionMatch =
  { ok: true; region: RegionNode } | { ok: false; reason: 'unknown' | 'ambiguous'; message: string };

/**
 * Finds a region by its code, or by a name path ("山丹县/位奇镇/芦堡村", separators / ／ > or
 * ＞); a path may start at any level, and a single name works when it is unique.
 */
export class RegionResolver {
  private readonly byCode = new Map<string, RegionNode>();
  private readonly byName = new Map<string, RegionNode[]>();
  private readonly children = new Map<string, RegionNode[]>();
  private readonly byId = new Map<string, RegionNode>();

  constructor(regions: RegionNode[]) {
    for (const r of regions) {
      this.byId.set(r.id, r);
      this.byCode.set(r.code, r);
      this.byName.set(r.name, [...(this.byName.get(r.name) ?? []), r]);
      if (r.parentId) this.children.set(r.parentId, [...(this.children.get(r.parentId) ?? []), r]);
    }
  }

  resolve(cell: string): RegionMatch {
    const text = cell.trim();
    const coded = this.byCode.get(text);
    if (coded) return { ok: true, region: coded };
    const parts = text
      .split(/[/／>＞]/)
      .map((p) => p.trim())
      .filter(Boolean);
    let found = parts.length ? (this.byName.get(parts[0]) ?? []) : [];
    for (const part of parts.slice(1)) {
      found = found.flatMap((r) => (this.children.get(r.id) ?? []).filter((c) => c.name === part));
    }
    if (found.length === 1) return { ok: true, region: found[0] };
    if (found.length > 1) {
      return {
        ok: false,
        reason: 'ambiguous',
        message: `region: "${text}" names ${found.length} regions; give the path from the county (县/镇/村) or the region code`,
      };
    }
    return { ok: false, reason: 'unknown', message: `region: no region "${text}" (name path or code)` };
  }

  byIdOf(id: string): RegionNode | undefined {
    return this.byId.get(id);
  }

  /** "县/镇/村" of a region, for the export. */
  namePath(region: RegionNode): string {
    const names: string[] = [];
    let cur: RegionNode | undefined = region;
    while (cur) {
      names.unshift(cur.name);
      cur = cur.parentId ? this.byId.get(cur.parentId) : undefined;
    }
    return names.join('/');
  }
}
