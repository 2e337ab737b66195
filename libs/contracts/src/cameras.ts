import { z } from 'zod';
import { GeoPointSchema, type CameraStatus } from './domain';

/** A camera as the api returns it. Credentials never appear here. */
export interface CameraView {
  id: string;
  name: string;
  regionId: string;
  regionName: string;
  location: { lon: number; lat: number };
  status: CameraStatus;
  statusReason: string | null;
  lastSeenAt: string | null;
  ptz: boolean;
  hasSubStream: boolean;
  manufacturer: string | null;
  model: string | null;
  onvifAddress: string;
  checkpointId: string | null;
  /** GB/T 28181 national device code (20 digits), if one was given. */
  nationalCode: string | null;
}

/** GB/T 28181 appendix D national device code: exactly 20 digits. */
export const NationalCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{20}$/, 'nationalCode must be 20 digits (GB/T 28181 national device code)');

export const StreamKindSchema = z.enum(['main', 'sub']);
export type StreamKind = z.infer<typeof StreamKindSchema>;

/** POST /api/cameras/:id/live */
export const LiveRequestSchema = z.object({ stream: StreamKindSchema.default('sub') });
export interface LiveSession {
  hlsUrl: string;
  expiresAt: string;
  stream: StreamKind;
}

/**
 * Codes of a refused live request (503 body's `code`): the gateway runs MAX_STREAMS streams, or
 * MAX_TRANSCODES transcoded (H.265) ones, already. Viewers of a running stream are never refused.
 */
export const LIVE_ERROR_CODES = ['gateway_capacity', 'gateway_transcode_capacity'] as const;
export type LiveErrorCode = (typeof LIVE_ERROR_CODES)[number];

/**
 * A camera's device service URL: http(s) only, and no credentials in it. A password typed into
 * the address would be stored, shown, logged and audited with it; it has its own field.
 */
export const OnvifAddressSchema = z
  .url({ protocol: /^https?$/, error: 'onvifAddress must be the device service URL (http or https)' })
  .refine((u) => {
    const url = new URL(u);
    return !url.username && !url.password;
  }, 'onvifAddress must not carry a username or password: use the username and password fields');

/** POST /api/cameras (technician): probe with ONVIF then register. */
export const RegisterCameraSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  onvifAddress: OnvifAddressSchema,
  username: z.string().max(64).default(''),
  password: z.string().max(128).default(''),
  regionId: z.uuid(),
  location: GeoPointSchema,
  /**
   * Use the service, snapshot and RTSP addresses the camera reports as they are. Off (default),
   * they are moved to this address's host and port: cameras behind NAT report internal ones.
   */
  trustDeviceAddresses: z.boolean().default(false),
  nationalCode: NationalCodeSchema.optional(),
});
export type RegisterCamera = z.infer<typeof RegisterCameraSchema>;

/**
 * PATCH /api/cameras/:id. A changed onvifAddress or username, or any password, is probed through
 * a gateway first (as registration does): a failed probe is the same 422 and stores nothing.
 */
export const UpdateCameraSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    regionId: z.uuid(),
    location: GeoPointSchema,
    onvifAddress: OnvifAddressSchema,
    username: z.string().max(64),
    password: z.string().max(128),
    checkpointId: z.uuid().nullable(),
    trustDeviceAddresses: z.boolean(),
    nationalCode: NationalCodeSchema.nullable(),
  })
  .partial()
  .strict();
export type UpdateCamera = z.infer<typeof UpdateCameraSchema>;

/**
 * Whether an edit moves a camera to another device: another scheme, host or port. The stored
 * password is never sent there; such an edit must carry the password again (api and console).
 * A path change on the same device is not a move. Unparseable addresses count as moved.
 */
export function onvifDeviceChanged(stored: string, edited: string): boolean {
  if (stored === edited) return false;
  try {
    const a = new URL(stored);
    const b = new URL(edited);
    return a.protocol !== b.protocol || a.host.toLowerCase() !== b.host.toLowerCase();
  } catch {
    return true;
  }
}

export const PtzCommandSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('move'),
    pan: z.number().min(-1).max(1),
    tilt: z.number().min(-1).max(1),
    zoom: z.number().min(-1).max(1).default(0),
  }),
  z.object({ action: z.literal('stop') }),
  z.object({ action: z.literal('goto-preset'), preset: z.string().min(1).max(64) }),
  z.object({ action: z.literal('set-preset'), name: z.string().min(1).max(64) }),
]);
export type PtzCommand = z.infer<typeof PtzCommandSchema>;

export interface DiscoveredDevice {
  xaddr: string;
  urn: string;
  name: string | null;
  hardware: string | null;
  scopes: string[];
  registeredCameraId: string | null;
}

/** GET /api/cameras filters. bbox = "minLon,minLat,maxLon,maxLat" (the map's view). */
export const CameraListQuerySchema = z.object({
  regionId: z.uuid().optional(),
  status: z.enum(['online', 'offline', 'unknown']).optional(),
  q: z.string().trim().max(100).optional(),
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'bbox must be minLon,minLat,maxLon,maxLat')
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(5_000),
});
export type CameraListQuery = z.infer<typeof CameraListQuerySchema>;

/** A camera with what the technician's detail page shows on top of the map view. */
export interface CameraDetailView extends CameraView {
  serialNumber: string | null;
  firmware: string | null;
  /** Codecs read from the streams themselves (main, sub). */
  videoCodec: string | null;
  subVideoCodec: string | null;
  /** Device-reported addresses used as they are (no NAT rewrite to the registered host and port). */
  trustDeviceAddresses: boolean;
  events: boolean;
  /** The ONVIF username (not a secret; the edit form shows it). The password is never returned. */
  username: string;
  statusChangedAt: string | null;
  createdAt: string;
}

/** GET /api/cameras/discovery: the latest scan's findings. */
export interface DiscoveryScanView {
  scanning: boolean;
  startedAt: string | null;
  items: DiscoveredDevice[];
}

export interface PtzPresetView {
  token: string;
  name: string;
}

/**
 * Error codes of a failed probe, in the 422 body's `code`. A probe says `not_onvif` for every kind
 * of "nothing ONVIF there" (closed, filtered, not HTTP, not ONVIF), so it cannot map a network;
 * `camera_unreachable` is for operations on registered cameras (PTZ, presets).
 */
export const PROBE_ERROR_CODES = [
  'camera_auth_failed',
  'camera_unreachable',
  'not_onvif',
  'camera_network_not_allowed',
] as const;
export type ProbeErrorCode = (typeof PROBE_ERROR_CODES)[number];

// ---- Road checkpoints (卡口)

export interface CheckpointView {
  id: string;
  code: string;
  name: string;
  regionId: string;
  regionName: string;
  location: { lon: number; lat: number };
  road: string;
  direction: string;
  lanes: number;
  status: string;
  lastSeenAt: string | null;
}

export const CreateCheckpointSchema = z.object({
  code: z.string().trim().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  regionId: z.uuid(),
  location: GeoPointSchema,
  road: z.string().trim().min(1).max(100),
  direction: z.string().trim().min(1).max(32),
  lanes: z.number().int().min(1).max(16).default(2),
});
export type CreateCheckpoint = z.infer<typeof CreateCheckpointSchema>;

export const UpdateCheckpointSchema = CreateCheckpointSchema.omit({ code: true }).partial().strict();
export type UpdateCheckpoint = z.infer<typeof UpdateCheckpointSchema>;
