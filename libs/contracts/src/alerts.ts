import { z } from 'zod';
import {
  AlertSourceSchema,
  AlertStatusSchema,
  AlertTypeSchema,
  GeoPointSchema,
  PrioritySchema,
  SLA_STAGES,
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

/**
 * Types a person may report by hand. The rest (motion, tampering, line crossing, camera
 * offline, digital input, checkpoint alarm) are what devices report; a manual one would pass
 * for a device's and could close or mask the real device alert.
 */
export const MANUAL_ALERT_TYPES = [
  'intrusion',
  'crowding',
  'dispute',
  'public_safety',
  'fire',
  'traffic',
  'environment',
  'other',
] as const satisfies readonly AlertType[];
const ManualAlertTypeSchema = z.enum(MANUAL_ALERT_TYPES, {
  error: () => `a manual report may be one of ${MANUAL_ALERT_TYPES.join(', ')}`,
});

/** Manual alert raised by a duty officer (POST /api/alerts). */
export const RaiseAlertSchema = z.object({
  type: ManualAlertTypeSchema,
  priority: PrioritySchema,
  title: z.string().trim().min(1, 'title is required').max(200),
  description: z.string().max(4000).default(''),
  regionId: z.uuid(),
  cameraId: z.uuid().optional(),
  location: GeoPointSchema.optional(),
  /** Always `manual`: the caller may say so, never claim to be a camera or another source. */
  source: z.literal('manual', { error: () => 'manual reports are always manual' }).default('manual'),
});
export type RaiseAlert = z.infer<typeof RaiseAlertSchema>;

const Version = z.number().int().positive('version is the alert version you saw');
const Note = z.string().trim().max(2000).optional();

/** Bodies of POST /api/alerts/:id/<command>. Each carries the version the user saw. */
export const AlertCommandSchemas = {
  ack: z.object({ version: Version, note: Note }),
  dispatch: z
    .object({ version: Version, unitId: z.uuid().optional(), userId: z.uuid().optional(), note: Note })
    .refine((b) => b.unitId || b.userId, {
      message: 'name a response unit or a responder',
      path: ['unitId'],
    }),
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
  comment: z.object({
    version: Version.optional(),
    note: z.string().trim().min(1, 'note is required').max(2000),
  }),
} as const;
export type AlertCommand = keyof typeof AlertCommandSchemas;
export type AlertCommandBody<C extends AlertCommand> = z.infer<(typeof AlertCommandSchemas)[C]>;

/** A query-string flag: "true"/"1" or "false"/"0" (z.coerce.boolean would read "false" as true). */
const QueryFlag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

export const AlertQuerySchema = z.object({
  status: z
    .union([AlertStatusSchema, z.literal('open'), z.string().regex(/^[A-Z_]+(,[A-Z_]+)+$/)])
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
  assignedToMe: QueryFlag.optional(),
  overdue: QueryFlag.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

/**
 * Body of a 409 from a workflow command. `reason` tells a stale version (reload and retry)
 * from a command the alert's state does not allow; `alert` is the alert as it is now.
 */
export interface AlertConflict {
  statusCode: 409;
  error: string;
  message: string;
  reason: 'stale_version' | 'illegal_transition';
  alert: AlertView;
}

/** POST /api/alerts answers 201 with the alert once the alert-service made it, else 202 with this. */
export interface QueuedEvent {
  eventId: string;
  status: 'queued';
}

/** Sources an outside system may be given a key for (cameras, checkpoints and people have their own ways in). */
export const IntegrationSourceSchema = z.enum(['hotline', 'grid', 'department', 'iot', 'petition']);
export type IntegrationSource = z.infer<typeof IntegrationSourceSchema>;

/** POST /api/integrations (admin): an API key for one outside system, fixed to a source and region. */
export const CreateIntegrationKeySchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(64),
  source: IntegrationSourceSchema,
  regionId: z.uuid(),
});
export type CreateIntegrationKey = z.infer<typeof CreateIntegrationKeySchema>;

export interface IntegrationKeyView {
  id: string;
  name: string;
  prefix: string;
  source: AlertSource;
  regionId: string;
  regionName: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** Returned once, at creation: `key` is never shown again (only its sha256 is stored). */
export interface CreatedIntegrationKey extends IntegrationKeyView {
  key: string;
}

/** POST /api/events answer: the event is queued under this id (source-prefixed idempotency key). */
export interface AcceptedEvent {
  eventId: string;
}

/** POST /api/mutes (technician, supervisor): silence one camera's or checkpoint's alerts for a while. */
export const CreateMuteSchema = z
  .object({
    cameraId: z.uuid().optional(),
    checkpointId: z.uuid().optional(),
    /** Omit to mute every type. */
    alertType: AlertTypeSchema.optional(),
    minutes: z
      .number()
      .int()
      .min(1, 'minutes must be at least 1')
      .max(7 * 24 * 60, 'a mute lasts at most 7 days'),
    reason: z.string().trim().min(1, 'reason is required').max(500),
  })
  .refine((m) => Boolean(m.cameraId) !== Boolean(m.checkpointId), {
    message: 'name exactly one of cameraId or checkpointId',
    path: ['cameraId'],
  });
export type CreateMute = z.infer<typeof CreateMuteSchema>;

export interface MuteView {
  id: string;
  cameraId: string | null;
  checkpointId: string | null;
  alertType: AlertType | null;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdById: string | null;
  cancelledAt: string | null;
  active: boolean;
  /** Events that arrived while it held (recorded, raised nothing). */
  mutedEvents: number;
}

export interface SlaPolicyView {
  id: string;
  alertType: AlertType;
  priority: Priority;
  acknowledgeSeconds: number | null;
  dispatchSeconds: number | null;
  acceptSeconds: number | null;
  arriveSeconds: number | null;
  resolveSeconds: number | null;
  escalate: boolean;
  correlationWindowSeconds: number;
  instructions: string;
  updatedAt: string;
}

const StageSecondsField = z
  .number()
  .int()
  .min(1, 'seconds must be at least 1')
  .max(90 * 86400, 'at most 90 days')
  .nullable();

/** PATCH /api/sla-policies/:id (admin). */
export const UpdateSlaPolicySchema = z
  .object({
    acknowledgeSeconds: StageSecondsField,
    dispatchSeconds: StageSecondsField,
    acceptSeconds: StageSecondsField,
    arriveSeconds: StageSecondsField,
    resolveSeconds: StageSecondsField,
    escalate: z.boolean(),
    correlationWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400),
    instructions: z.string().max(4000),
  })
  .partial()
  .strict();
export type UpdateSlaPolicy = z.infer<typeof UpdateSlaPolicySchema>;

/** A job the alert-service refused or gave up on (GET /api/admin/failed-events). */
export interface FailedEventView {
  jobId: string;
  eventId: string | null;
  reason: string;
  attemptsMade: number;
  failedAt: string | null;
  data: unknown;
}

/** GET /api/statistics?from&to&regionId&format=csv */
export const StatisticsQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  regionId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type StatisticsQuery = z.infer<typeof StatisticsQuerySchema>;

export interface DurationStats {
  /** Alerts that reached the stage. */
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface StatisticsView {
  regionId: string;
  regionName: string;
  from: string;
  to: string;
  /** 联网率 per child region (townships for the county), and for the whole region. */
  networking: { regionId: string; regionName: string; online: number; total: number; rate: number | null }[];
  networkingTotal: { online: number; total: number; rate: number | null };
  total: number;
  byType: Record<string, number>;
  bySource: Record<string, number>;
  byStatus: Record<string, number>;
  /** Per stage: alerts whose deadline has been decided (reached, or passed), and the share met on time. */
  deadlines: Record<(typeof SLA_STAGES)[number], { due: number; met: number; share: number | null }>;
  times: {
    acknowledge: DurationStats;
    dispatch: DurationStats;
    arrive: DurationStats;
    resolve: DurationStats;
  };
  satisfaction: { count: number; average: number | null; shareAtLeast4: number | null };
  /** 化解率: resolved (or closed after resolving) among alerts not dismissed. */
  resolved: { count: number; of: number; share: number | null };
}
