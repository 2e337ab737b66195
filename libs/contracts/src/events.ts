import { z } from 'zod';
import {
  AlertSourceSchema,
  AlertTypeSchema,
  GeoPointSchema,
  PLATFORM_ALERT_TYPES,
  PrioritySchema,
} from './domain';

/**
 * The one shape every alert source produces. `id` is the idempotency key: producers derive it
 * from the source's own identity of the event so that a retried delivery carries the same id.
 */
export const RawEventSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^:]+(:[^:]+)*$/, 'id must not be empty between colons'),
    source: AlertSourceSchema,
    type: AlertTypeSchema,
    occurredAt: z.iso.datetime({ offset: true }),
    cameraId: z.uuid().optional(),
    checkpointId: z.uuid().optional(),
    regionId: z.uuid().optional(),
    priority: PrioritySchema.optional(),
    title: z.string().max(200).optional(),
    description: z.string().max(4000).optional(),
    location: GeoPointSchema.optional(),
    /** Camera health events: true when the camera came back. */
    recovered: z.boolean().optional(),
    reporter: z.string().max(100).optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .refine((e) => e.cameraId || e.checkpointId || e.regionId, {
    message: 'one of cameraId, checkpointId or regionId is required',
    path: ['regionId'],
  })
  // Platform alerts (a sign-in attack) come only from the platform, which alone uses `system`.
  .refine((e) => PLATFORM_ALERT_TYPES.includes(e.type) === (e.source === 'system'), {
    message: 'this type goes with source system only, and system with platform types only',
    path: ['type'],
  });
export type RawEvent = z.infer<typeof RawEventSchema>;
