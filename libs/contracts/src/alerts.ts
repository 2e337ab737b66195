import { z } from 'zod';
import {
  AlertSourceSchema,
  AlertStatusSchema,
  AlertTypeSchema,
  GeoPointSchema,
  PrioritySchema,
  type AlertSource,
  type AlertStatus,
  type AlertType,
  type Priority,
  type SlaStage,
} from './domain';

export interface AlertTimelineEntryView {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

/** An alert as the api returns it and the socket pushes it. */
export interface AlertView {
  id: string;
  number: string;
  type: AlertType;
  source: AlertSource;
  priority: Priority;
  status: AlertStatus;
  title: string;
  description: string;
  regionId: string;
  regionName: string;
  regionPath: string;
  originRegionId: string;
  cameraId: string | null;
  cameraName: string | null;
  checkpointId: string | null;
  location: { lon: number; lat: number } | null;
  eventCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** ISO time each stage is due. */
  deadlines: Partial<Record<SlaStage, string>>;
  overdueStages: SlaStage[];
  escalationLevel: number;
  assignedUnitId: string | null;
  assignedUnitName: string | null;
  assignedUserId: string | null;
  assignedUserName: string | null;
  outcome: string | null;
  satisfaction: number | null;
  dismissReason: string | null;
  instructions: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  arrivedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
}

export interface AlertDetailView extends AlertView {
  timeline: AlertTimelineEntryView[];
}

/** Manual alert raised by a duty officer (POST /api/alerts). */
export const RaiseAlertSchema = z.object({
  type: AlertTypeSchema,
  priority: PrioritySchema,
  title: z.string().trim().min(1, 'title is required').max(200),
  description: z.string().max(4000).default(''),
  regionId: z.uuid(),
  cameraId: z.uuid().optional(),
  location: GeoPointSchema.optional(),
  source: AlertSourceSchema.default('manual'),
});
export type RaiseAlert = z.infer<typeof RaiseAlertSchema>;

const Version = z.number().int().positive('version is the alert version you saw');
const Note = z.string().trim().max(2000).optional();

/** Bodies of POST /api/alerts/:id/<command>. Each carries the version the user saw. */
export const AlertCommandSchemas = {
  ack: z.object({ version: Version, note: Note }),
  dispatch: z
    .object({ version: Version, unitId: z.uuid().optional(), userId: z.uuid().optional(), note: Note })
    .refine((b) => b.unitId || b.userId, { message: 'name a response unit or a responder', path: ['unitId'] }),
  accept: z.object({ version: Version, note: Note }),
  arrive: z.object({ version: Version, note: Note }),
  resolve: z.object({ version: Version, outcome: z.string().trim().min(1, 'outcome is required').max(2000) }),
  'follow-up': z.object({
    version: Version,
    satisfaction: z.number().int().min(1).max(5),
    note: Note,
  }),
  close: z.object({ version: Version, note: Note }),
  dismiss: z.object({ version: Version, reason: z.string().trim().min(1, 'reason is required').max(2000) }),
  escalate: z.object({ version: Version, note: Note }),
  reopen: z.object({ version: Version, note: z.string().trim().min(1, 'say why it is reopened').max(2000) }),
  comment: z.object({ version: Version.optional(), note: z.string().trim().min(1, 'note is required').max(2000) }),
} as const;
export type AlertCommand = keyof typeof AlertCommandSchemas;
export type AlertCommandBody<C extends AlertCommand> = z.infer<(typeof AlertCommandSchemas)[C]>;

export const AlertQuerySchema = z.object({
  status: z
    .union([AlertStatusSchema, z.string().regex(/^[A-Z_]+(,[A-Z_]+)+$/)])
    .optional()
    .describe('one status or several, comma separated; "open" for every open state'),
  priority: PrioritySchema.optional(),
  type: AlertTypeSchema.optional(),
  source: AlertSourceSchema.optional(),
  regionId: z.uuid().optional(),
  cameraId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().max(100).optional(),
  assignedToMe: z.coerce.boolean().optional(),
  overdue: z.coerce.boolean().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;
