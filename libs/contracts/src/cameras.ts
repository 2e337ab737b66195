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
}

export const StreamKindSchema = z.enum(['main', 'sub']);
export type StreamKind = z.infer<typeof StreamKindSchema>;

/** POST /api/cameras/:id/live */
export const LiveRequestSchema = z.object({ stream: StreamKindSchema.default('sub') });
export interface LiveSession {
  hlsUrl: string;
  expiresAt: string;
  stream: StreamKind;
}

/** POST /api/cameras (technician): probe with ONVIF then register. */
export const RegisterCameraSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  onvifAddress: z.url('onvifAddress must be the device service URL'),
  username: z.string().max(64).default(''),
  password: z.string().max(128).default(''),
  regionId: z.uuid(),
  location: GeoPointSchema,
});
export type RegisterCamera = z.infer<typeof RegisterCameraSchema>;

export const UpdateCameraSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    regionId: z.uuid(),
    location: GeoPointSchema,
    username: z.string().max(64),
    password: z.string().max(128),
    checkpointId: z.uuid().nullable(),
  })
  .partial()
  .strict();
export type UpdateCamera = z.infer<typeof UpdateCameraSchema>;

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
