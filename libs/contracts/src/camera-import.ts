import { z } from 'zod';
import { RecordingModeSchema, RecordingPolicySchema } from './recording';
import { StreamKindSchema } from './cameras';

/**
 * Bulk onboarding (docs/CAMERAS.md "Importing a fleet"): cameras and road checkpoints from a CSV
 * or .xlsx sheet, dry run first, then register; the registry exported back in the same columns.
 * Shared by the api (parsing, report) and the console (template, report table).
 */

/** Limits of one import file: larger files are refused with 413 (bytes) or 400 (rows). */
export const IMPORT_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: 10_000,
} as const;

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

/**
 * The sheet's columns in order, with their Chinese and English headers. Either header (or the
 * key itself) is recognised in any order and any letter case; unknown columns are ignored.
 */
export const IMPORT_COLUMNS = [
  { key: 'kind', zh: '类型', en: 'Type' },
  { key: 'address', zh: '地址', en: 'Address' },
  { key: 'username', zh: '用户名', en: 'Username' },
  { key: 'password', zh: '密码', en: 'Password' },
  { key: 'name', zh: '名称', en: 'Name' },
  { key: 'region', zh: '区域', en: 'Region' },
  { key: 'lon', zh: '经度', en: 'Longitude' },
  { key: 'lat', zh: '纬度', en: 'Latitude' },
  { key: 'recordingMode', zh: '录像模式', en: 'Recording mode' },
  { key: 'recordingStream', zh: '录像码流', en: 'Recording stream' },
  { key: 'retentionDays', zh: '保留天数', en: 'Retention days' },
  { key: 'nationalCode', zh: '国标编码', en: 'National code' },
  { key: 'checkpointCode', zh: '卡口编号', en: 'Checkpoint code' },
  { key: 'road', zh: '道路', en: 'Road' },
  { key: 'direction', zh: '方向', en: 'Direction' },
  { key: 'lanes', zh: '车道数', en: 'Lanes' },
] as const;
export type ImportColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];
export type ImportLanguage = 'zh' | 'en';

/** Header text → column key, over both languages and the keys themselves. */
export function importColumnOf(header: string): ImportColumnKey | undefined {
  const h = header.trim().toLowerCase();
  return IMPORT_COLUMNS.find((c) => c.key.toLowerCase() === h || c.zh === h || c.en.toLowerCase() === h)?.key;
}

/** Words a sheet may use for enumerated cells, in both languages. */
export const IMPORT_VALUE_WORDS = {
  kind: { camera: ['camera', '摄像机', '摄像头'], checkpoint: ['checkpoint', '卡口'] },
  recordingMode: {
    off: ['off', '关闭', '不录像'],
    continuous: ['continuous', '连续', '全天'],
    events: ['events', '事件'],
  },
  recordingStream: { main: ['main', '主码流'], sub: ['sub', '子码流'] },
} as const;

/** The written word of a value, for export and templates. */
export function importWord(
  column: keyof typeof IMPORT_VALUE_WORDS,
  value: string,
  lang: ImportLanguage,
): string {
  const words = (IMPORT_VALUE_WORDS[column] as Record<string, readonly string[]>)[value];
  if (!words) return value;
  return lang === 'zh' ? words[1] : words[0];
}

/**
 * How a dry run judged a row, or what registering it did.
 * valid: would be created; exists: a camera (or checkpoint) is already there (see `action`);
 * duplicate: the address, national code or checkpoint code is taken earlier in the file or by
 * another camera; invalid: a bad field (`column` names it); region_unknown; out_of_scope: a
 * region outside the importer's own; unreachable / auth_failed / not_onvif: the probe's answer;
 * created / updated / skipped: what registering did; failed: storing it failed (message says why).
 */
export const IMPORT_ROW_STATUSES = [
  'valid',
  'exists',
  'duplicate',
  'invalid',
  'region_unknown',
  'out_of_scope',
  'unreachable',
  'auth_failed',
  'not_onvif',
  'created',
  'updated',
  'skipped',
  'failed',
] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

/** Row statuses that mean the row is in the registry after the run (or would be, in a dry run). */
export const IMPORT_GOOD_STATUSES: readonly ImportRowStatus[] = [
  'valid',
  'exists',
  'created',
  'updated',
  'skipped',
];

/** What happens to a row whose address (or checkpoint code) is already registered. */
export const ImportOnExistingSchema = z.enum(['update', 'skip']);
export type ImportOnExisting = z.infer<typeof ImportOnExistingSchema>;

/** The form fields sent with the file (multipart) to POST /api/cameras/imports. */
export const StartImportSchema = z
  .object({
    mode: z.enum(['dry-run', 'register']).default('dry-run'),
    onExisting: ImportOnExistingSchema.default('skip'),
    /** Region for rows whose region cell is empty. */
    regionId: z.uuid().optional(),
  })
  .strict();
export type StartImport = z.infer<typeof StartImportSchema>;

export interface ImportRowReport {
  /** Row number in the sheet (the header is row 1). */
  row: number;
  kind: 'camera' | 'checkpoint';
  /** The ONVIF address as normalised (cameras) or the checkpoint code. */
  address: string;
  name: string | null;
  status: ImportRowStatus;
  /** For `exists` and registered rows: what the run did or will do with the existing record. */
  action: 'create' | 'update' | 'skip' | null;
  /** The sheet column (as its header reads) of a bad field. */
  column: string | null;
  message: string | null;
  /** The camera or checkpoint created or updated. */
  id: string | null;
}

export interface ImportJobView {
  id: string;
  mode: 'dry-run' | 'register';
  onExisting: ImportOnExisting;
  /** 'discovery' when made from discovery results rather than a file. */
  source: 'file' | 'discovery';
  state: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  counts: Partial<Record<ImportRowStatus, number>>;
  /** Every row once done; while running, the rows finished so far. */
  rows: ImportRowReport[];
  startedAt: string;
  finishedAt: string | null;
  /** A failure of the whole job (never a row's). */
  error: string | null;
}

/** POST /api/cameras/discovery/register: discovered devices with a region and credentials chosen once. */
export const RegisterDiscoveredSchema = z
  .object({
    xaddrs: z
      .array(z.url({ protocol: /^https?$/ }))
      .min(1)
      .max(IMPORT_LIMITS.maxRows),
    regionId: z.uuid(),
    username: z.string().max(64).default(''),
    password: z.string().max(128).default(''),
    recording: RecordingPolicySchema.pick({ mode: true, stream: true, retentionDays: true })
      .partial()
      .optional(),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type RegisterDiscovered = z.infer<typeof RegisterDiscoveredSchema>;

/** POST /api/cameras/bulk: one change to many cameras (technician, admin; each in scope). */
export const BulkCameraEditSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('move'),
    ids: z.array(z.uuid()).min(1).max(IMPORT_LIMITS.maxRows),
    regionId: z.uuid(),
  }),
  z.object({
    action: z.literal('recording-policy'),
    ids: z.array(z.uuid()).min(1).max(IMPORT_LIMITS.maxRows),
    policy: z
      .object({
        mode: RecordingModeSchema,
        stream: StreamKindSchema,
        retentionDays: z.number().int().min(1).max(3650),
      })
      .partial()
      .strict(),
  }),
  z.object({
    action: z.literal('mute'),
    ids: z.array(z.uuid()).min(1).max(IMPORT_LIMITS.maxRows),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    reason: z.string().trim().min(1, 'reason is required').max(500),
  }),
  z.object({
    action: z.literal('unmute'),
    ids: z.array(z.uuid()).min(1).max(IMPORT_LIMITS.maxRows),
  }),
]);
export type BulkCameraEdit = z.infer<typeof BulkCameraEditSchema>;

export interface BulkCameraEditResult {
  action: BulkCameraEdit['action'];
  /** Cameras changed. */
  changed: number;
  /** Cameras named but not found or not visible to the caller (never changed). */
  notFound: string[];
}
