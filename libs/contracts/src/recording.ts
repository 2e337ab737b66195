import { z } from 'zod';
import { StreamKindSchema, type StreamKind } from './cameras';

/**
 * Recorded video (DOMAIN.md "Recorded video", DESIGN.md "Data flow of recorded video"): the
 * shapes the api, the gateway and the console share. Times are ISO 8601 strings in UTC.
 */

/** off: nothing kept; continuous: everything; events: pre/post-event windows around camera events. */
export const RECORDING_MODES = ['off', 'continuous', 'events'] as const;
export const RecordingModeSchema = z.enum(RECORDING_MODES);
export type RecordingMode = z.infer<typeof RecordingModeSchema>;

/** Limits a technician may set; the console's form uses the same numbers. */
export const RECORDING_LIMITS = {
  preEventSeconds: { min: 0, max: 120 },
  postEventSeconds: { min: 0, max: 600 },
  retentionDays: { min: 1, max: 3650 },
} as const;

const seconds = (key: keyof typeof RECORDING_LIMITS) =>
  z.number().int().min(RECORDING_LIMITS[key].min).max(RECORDING_LIMITS[key].max);

/** A camera's recording policy (one per camera; a camera without one uses the platform default). */
export const RecordingPolicySchema = z
  .object({
    mode: RecordingModeSchema,
    stream: StreamKindSchema,
    preEventSeconds: seconds('preEventSeconds'),
    postEventSeconds: seconds('postEventSeconds'),
    retentionDays: seconds('retentionDays'),
  })
  .strict();
export type RecordingPolicy = z.infer<typeof RecordingPolicySchema>;

/** The platform default when a camera has no policy of its own (RECORDING_DEFAULT_* settings). */
export const DEFAULT_RECORDING_POLICY: RecordingPolicy = {
  mode: 'off',
  stream: 'sub',
  preEventSeconds: 10,
  postEventSeconds: 30,
  retentionDays: 30,
};

/** PUT /api/cameras/:id/recording-policy (technician): any subset; the rest keeps its value. */
export const UpdateRecordingPolicySchema = RecordingPolicySchema.partial().strict();
export type UpdateRecordingPolicy = z.infer<typeof UpdateRecordingPolicySchema>;

export interface RecordingPolicyView extends RecordingPolicy {
  cameraId: string;
  /** false: the platform default applies (no policy stored for this camera). */
  custom: boolean;
  updatedAt: string | null;
}

/** An ISO instant; always parsed to a Date-compatible string in UTC. */
export const InstantSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/** A time range: from < to, at most `maxHours` long. */
export function timeRangeSchema(maxHours: number) {
  return z
    .object({ from: InstantSchema, to: InstantSchema })
    .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] })
    .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= maxHours * 3_600_000, {
      message: `the range may be at most ${maxHours} hours`,
      path: ['to'],
    });
}

/** GET /api/cameras/:id/recordings?from&to&stream: what footage exists. At most 31 days. */
export const CoverageQuerySchema = z
  .object({
    from: InstantSchema,
    to: InstantSchema,
    stream: StreamKindSchema.optional(),
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 31 * 86_400_000, {
    message: 'the range may be at most 31 days',
    path: ['to'],
  });
export type CoverageQuery = z.infer<typeof CoverageQuerySchema>;

export interface TimeSpan {
  start: string;
  end: string;
}

/** A hole in the footage and why (ffmpeg died, camera offline, gateway restart, deleted by retention...). */
export interface RecordingGapView extends TimeSpan {
  reason: string;
}

export interface CoverageDay {
  /** Local calendar day (platform time zone), YYYY-MM-DD. */
  date: string;
  recordedSeconds: number;
}

export interface RecordingCoverage {
  cameraId: string;
  stream: StreamKind | null;
  from: string;
  to: string;
  /** Recorded spans, merged where segments touch (within a second), in time order. */
  spans: TimeSpan[];
  /** Recorded holes inside [from, to] (not: times the policy said not to record). */
  gaps: RecordingGapView[];
  /** Per local day inside the range: seconds recorded. */
  days: CoverageDay[];
  /** Per minute inside the range when it is at most 24 h: seconds recorded in each minute. */
  minutes?: { start: string; recordedSeconds: number }[];
}

/** POST /api/cameras/:id/playback: a VOD session for one camera and range (at most 24 h). */
export const PlaybackRequestSchema = z
  .object({
    from: InstantSchema,
    to: InstantSchema,
    stream: StreamKindSchema.optional(),
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 24 * 3_600_000, {
    message: 'the range may be at most 24 hours',
    path: ['to'],
  });
export type PlaybackRequest = z.infer<typeof PlaybackRequestSchema>;

export interface PlaybackSession {
  /** HLS VOD playlist through the api, with a short-lived token bound to camera and range. */
  playlistUrl: string;
  expiresAt: string;
  cameraId: string;
  stream: StreamKind;
  from: string;
  to: string;
  /** Wall clock of the first recorded frame in the range, null when nothing is recorded. */
  firstRecordedAt: string | null;
  /**
   * Video codec of the footage in the range as recorded ('h264', 'hevc'…), null when unknown or
   * nothing is recorded. Footage is served as recorded (copy mode): hls.js plays H.264 in MPEG-TS
   * but not H.265, so a player shows "H.265 footage: export it to watch" instead of a black tile
   * (docs/RECORDING.md "Playback").
   */
  codec: string | null;
  /** Whether browsers can play this session as served (false for H.265 footage). */
  browserPlayable: boolean;
}

/** POST /api/evidence-locks: keep footage of one or more cameras over a range beyond retention. */
export const CreateEvidenceLockSchema = z
  .object({
    cameraIds: z.array(z.uuid()).min(1).max(64),
    from: InstantSchema,
    to: InstantSchema,
    reason: z.string().trim().min(1, 'reason is required').max(500),
    alertId: z.uuid().nullable().optional(),
    /** null or absent: until released. */
    expiresAt: InstantSchema.nullable().optional(),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] });
export type CreateEvidenceLock = z.infer<typeof CreateEvidenceLockSchema>;

/** DELETE /api/evidence-locks/:id wants a reason too (audited). */
export const ReleaseEvidenceLockSchema = z
  .object({ reason: z.string().trim().min(1, 'reason is required').max(500) })
  .strict();

/** GET /api/evidence-locks: newest first, optionally one camera's, optionally only active ones. */
export const EvidenceLockListQuerySchema = z
  .object({
    cameraId: z.uuid().optional(),
    active: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type EvidenceLockListQuery = z.infer<typeof EvidenceLockListQuerySchema>;

export interface EvidenceLockView {
  id: string;
  cameraIds: string[];
  from: string;
  to: string;
  reason: string;
  alertId: string | null;
  expiresAt: string | null;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  releasedAt: string | null;
  releasedByName: string | null;
  /** Why it was released (the DELETE's reason), null while held. */
  releaseReason?: string | null;
  /** Not released and not expired: the footage it covers survives retention and quota. */
  active?: boolean;
}

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const ExportItemSchema = z
  .object({
    cameraId: z.uuid(),
    from: InstantSchema,
    to: InstantSchema,
    stream: StreamKindSchema.optional(),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 24 * 3_600_000, {
    message: 'an exported range may be at most 24 hours',
    path: ['to'],
  });
export type ExportItem = z.infer<typeof ExportItemSchema>;

/** POST /api/exports: MP4 files of one or several cameras with a signed manifest. */
export const CreateExportSchema = z
  .object({
    items: z.array(ExportItemSchema).min(1).max(16),
    reason: z.string().trim().min(1, 'reason is required').max(500),
    alertId: z.uuid().nullable().optional(),
  })
  .strict();
export type CreateExport = z.infer<typeof CreateExportSchema>;

export interface ExportFileView {
  name: string;
  cameraId: string;
  bytes: number;
  sha256: string;
}

export interface ExportView {
  id: string;
  status: ExportStatus;
  /** 0..1 */
  progress: number;
  items: ExportItem[];
  reason: string;
  alertId: string | null;
  requestedBy: string;
  requestedByName: string;
  createdAt: string;
  finishedAt: string | null;
  files: ExportFileView[];
  error: string | null;
}

/**
 * The manifest an export carries, signed with the platform's Ed25519 key. Each file lists the
 * recorded segments it was cut from (their chain hashes) and SHA-256 per block of the file, so a
 * verifier can say which byte range of an altered file changed.
 */
export const ExportManifestSchema = z.object({
  version: z.literal(1),
  platform: z.object({ name: z.string(), keyId: z.string() }),
  exportId: z.string(),
  exportedBy: z.object({ id: z.string(), name: z.string() }),
  exportedAt: z.string(),
  reason: z.string(),
  alertId: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      cameraId: z.string(),
      cameraName: z.string(),
      stream: StreamKindSchema,
      from: z.string(),
      to: z.string(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string(),
      blockSize: z.number().int().positive(),
      blockSha256: z.array(z.string()),
      segments: z.array(z.object({ start: z.string(), end: z.string(), sha256: z.string() })),
    }),
  ),
});
export type ExportManifest = z.infer<typeof ExportManifestSchema>;

/** manifest.json next to the files: the manifest, its signature (base64) and the public key (PEM). */
export const SignedManifestSchema = z.object({
  manifest: ExportManifestSchema,
  signature: z.string(),
  algorithm: z.literal('Ed25519'),
  publicKey: z.string(),
});
export type SignedManifest = z.infer<typeof SignedManifestSchema>;

export interface ExportVerification {
  /** The manifest is signed by this platform's key and unchanged. */
  signatureValid: boolean;
  signedByThisPlatform: boolean;
  /** Why the manifest could not be trusted (unreadable, signature mismatch), when it cannot. */
  problem?: string;
  files: {
    name: string;
    intact: boolean;
    /** The manifest lists the file but it was not given (or is gone). */
    missing?: boolean;
    /** Present when the file was checked and differs: the byte ranges whose blocks changed. */
    alteredRanges?: { start: number; end: number }[];
    problem?: string;
  }[];
}

export const CHAIN_PROBLEMS = ['altered', 'missing', 'reordered', 'broken_link'] as const;
export type ChainProblemKind = (typeof CHAIN_PROBLEMS)[number];

/** GET /api/cameras/:id/recordings/verify?day=YYYY-MM-DD (UTC day of the chain). */
export interface ChainVerification {
  cameraId: string;
  day: string;
  segments: number;
  ok: boolean;
  problems: { segmentId: string; start: string; kind: ChainProblemKind; detail: string }[];
}

/** Per gateway: what its recordings directory holds and how fast it fills. */
export interface RecordingStorageView {
  gatewayId: string;
  bytesUsed: number;
  bytesFree: number;
  bytesTotal: number;
  quotaBytes: number;
  highWaterBytes: number;
  lowWaterBytes: number;
  writeBytesPerSecond: number;
  recordingCameras: number;
  reportedAt: string;
}

export interface CameraRecordingStateView {
  cameraId: string;
  cameraName: string;
  mode: RecordingMode;
  stream: StreamKind;
  recording: boolean;
  /** Why a camera that should record does not (offline, ffmpeg failing, storage full of locked footage...). */
  reason: string | null;
  oldestAt: string | null;
  newestAt: string | null;
  retainedDays: number;
  bytes: number;
}

/** GET /api/recordings/health (technician, admin; scoped to the user's regions). */
export interface RecordingHealthView {
  storage: RecordingStorageView[];
  cameras: CameraRecordingStateView[];
}

/** GET /api/cameras/:id/recordings/verify?day=YYYY-MM-DD (a real UTC calendar day). */
export const ChainVerifyQuerySchema = z
  .object({
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day as YYYY-MM-DD', abort: true })
      .refine((d) => {
        // Runs after a failed regex too (zod reports every issue), so never on an Invalid Date.
        const t = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
      }, 'must be a real calendar day'),
  })
  .strict();
export type ChainVerifyQuery = z.infer<typeof ChainVerifyQuerySchema>;

/** GET /api/exports: newest first. */
export const ExportListQuerySchema = z
  .object({
    status: z.enum(EXPORT_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ExportListQuery = z.infer<typeof ExportListQuerySchema>;

/** GET /api/exports/public-key: what a verifier trusts (keyId = SHA-256 of the SPKI DER, hex). */
export interface ExportPublicKeyView {
  algorithm: 'Ed25519';
  keyId: string;
  publicKey: string;
}
