import { z } from 'zod';
import { OnvifAddressSchema, StreamKindSchema } from '@xueliang/contracts';

/**
 * What crosses the api ↔ gateway boundary, as zod schemas: the gateway parses requests with them,
 * the api parses answers with them (a malformed answer is the gateway's fault: 502, never a crash).
 */

/** POST probe: with cameraId, a password left out is that camera's stored one (the gateway decrypts it). */
export const ProbeTargetSchema = z.object({
  onvifAddress: OnvifAddressSchema,
  username: z.string().max(64).default(''),
  password: z.string().max(128).optional(),
  /** An edit of a registered camera: a password left out is that camera's stored one. */
  cameraId: z.uuid().optional(),
});
/** What the api sends (username may be left out). */
export type ProbeTarget = z.input<typeof ProbeTargetSchema>;

const ProbedStreamSchema = z.object({
  profileToken: z.string(),
  rtspUri: z.string(),
  width: z.number(),
  height: z.number(),
  codec: z.string().nullable(),
});
export type ProbedStream = z.infer<typeof ProbedStreamSchema>;

/** What registration stores about a camera, from ONVIF. */
export const ProbeResultSchema = z.object({
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  firmware: z.string().nullable(),
  main: ProbedStreamSchema,
  sub: ProbedStreamSchema.nullable(),
  snapshotUri: z.string().nullable(),
  /** Codec of the main stream, lower case: h264, h265, … */
  videoCodec: z.string().nullable(),
  ptz: z.boolean(),
  events: z.boolean(),
});
export type ProbeResult = z.infer<typeof ProbeResultSchema>;

export const PtzAnswerSchema = z.object({ presetToken: z.string().optional() });
export type PtzAnswer = z.infer<typeof PtzAnswerSchema>;

export const PtzPresetsSchema = z.array(z.object({ token: z.string(), name: z.string() }));

export const DiscoveryStartedSchema = z.object({ startedAt: z.string(), windowMs: z.number() });
export type DiscoveryStarted = z.infer<typeof DiscoveryStartedSchema>;

/** One ONVIF device that answered a WS-Discovery probe. */
export const DiscoveredOnvifDeviceSchema = z.object({
  urn: z.string(),
  xaddr: z.string(),
  scopes: z.array(z.string()),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
});
export type DiscoveredOnvifDevice = z.infer<typeof DiscoveredOnvifDeviceSchema>;

/** The latest scan as the gateways keep it (the api joins it with the register). */
export const DiscoveryScanSchema = z.object({
  scanning: z.boolean(),
  startedAt: z.string().nullable(),
  devices: z.array(DiscoveredOnvifDeviceSchema),
});
export type DiscoveryScan = z.infer<typeof DiscoveryScanSchema>;

/** One running stream on a gateway (diagnostics; the answer to an ensure). */
export const StreamInfoSchema = z.object({
  cameraId: z.string(),
  stream: StreamKindSchema,
  pid: z.number().optional(),
  restarts: z.number(),
  startedAt: z.string(),
  lastAccessAt: z.string(),
  transcoding: z.boolean(),
  lastExit: z.string().nullable(),
  stderr: z.array(z.string()),
});
export type StreamInfo = z.infer<typeof StreamInfoSchema>;

export const StreamsStoppedSchema = z.object({ stopped: z.literal(true) });
export const CameraReconnectedSchema = z.object({ reconnected: z.literal(true) });

/** What a gateway says about one camera's recording (recordingStateKey). */
export const RecordingStateSchema = z.object({
  cameraId: z.string(),
  gatewayId: z.string(),
  stream: z.enum(['main', 'sub']),
  mode: z.enum(['off', 'continuous', 'events']),
  /** Segments are being written right now (events mode between events: false, reason null). */
  recording: z.boolean(),
  /** Why a camera that should record does not, in words a technician can act on; null when fine. */
  reason: z.string().nullable(),
  since: z.string(),
  updatedAt: z.string(),
});
export type RecordingState = z.infer<typeof RecordingStateSchema>;

/** POST /internal/recordings/verify: re-hash these indexed segments (ids from recording_segments). */
export const SegmentHashRequestSchema = z
  .object({ ids: z.array(z.string().regex(/^\d{1,19}$/)).max(50_000) })
  .strict();
export type SegmentHashRequest = z.infer<typeof SegmentHashRequestSchema>;

/** Per segment: its file's hash now, or why there is none (file gone, path outside the store). */
export const SegmentHashSchema = z.object({
  id: z.string(),
  state: z.enum(['ok', 'altered', 'missing']),
  /** SHA-256 of the file as it is now; null when missing. */
  sha256: z.string().nullable(),
});
export const SegmentHashesSchema = z.array(SegmentHashSchema);
export type SegmentHash = z.infer<typeof SegmentHashSchema>;
