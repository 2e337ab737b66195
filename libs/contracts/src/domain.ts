import { z } from 'zod';

/** Roles from DOMAIN.md; a user may hold several. */
export const ROLES = [
  'duty_officer',
  'dispatcher',
  'supervisor',
  'responder',
  'technician',
  'admin',
] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** County → township/street → village/community → grid. */
export const REGION_LEVELS = ['county', 'township', 'village', 'grid'] as const;
export const RegionLevelSchema = z.enum(REGION_LEVELS);
export type RegionLevel = z.infer<typeof RegionLevelSchema>;

export const UNIT_KINDS = ['police_post', 'grid_team', 'department'] as const;
export const UnitKindSchema = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKindSchema>;

const CAMERA_STATUSES = ['online', 'offline', 'unknown'] as const;
export const CameraStatusSchema = z.enum(CAMERA_STATUSES);
export type CameraStatus = z.infer<typeof CameraStatusSchema>;

export const ALERT_STATUSES = [
  'NEW',
  'ACKNOWLEDGED',
  'DISPATCHED',
  'ACCEPTED',
  'ON_SCENE',
  'RESOLVED',
  'CLOSED',
  'DISMISSED',
] as const;
export const AlertStatusSchema = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;
/** States in which an alert still needs someone's work. */
export const OPEN_ALERT_STATUSES: readonly AlertStatus[] = [
  'NEW',
  'ACKNOWLEDGED',
  'DISPATCHED',
  'ACCEPTED',
  'ON_SCENE',
];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

export const ALERT_SOURCES = [
  'camera',
  'checkpoint',
  'manual',
  'hotline',
  'grid',
  'department',
  'iot',
  'petition',
  /** The platform itself, about its own security (a sign-in attack, repeated refused
   *  cross-region access); never given to an integration or a person. */
  'system',
] as const;
export const AlertSourceSchema = z.enum(ALERT_SOURCES);
export type AlertSource = z.infer<typeof AlertSourceSchema>;

/** Alert types; the SLA policy table is keyed by these. */
export const ALERT_TYPES = [
  'motion',
  'tampering',
  'line_crossing',
  'intrusion',
  'crowding',
  'camera_offline',
  'digital_input',
  'checkpoint_alarm',
  'dispute',
  'public_safety',
  'fire',
  'traffic',
  'environment',
  'other',
  /** A sustained password-guessing attack on one username (source `system`). */
  'login_attack',
  /** One user's repeated requests refused by region scope (source `system`). */
  'scope_probe',
  /** A camera whose policy says record is not being recorded (source `system`, for technicians). */
  'recording_stopped',
  /** A recordings disk past its high-water mark, or full of locked footage (source `system`). */
  'storage_high_water',
] as const;
export const AlertTypeSchema = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof AlertTypeSchema>;
/** Types only the platform itself raises (source `system`): no person, camera or integration may. */
export const PLATFORM_ALERT_TYPES: readonly AlertType[] = [
  'login_attack',
  'scope_probe',
  'recording_stopped',
  'storage_high_water',
];
/** The types a person may raise or mute. */
export const REPORTABLE_ALERT_TYPES: readonly AlertType[] = ALERT_TYPES.filter(
  (t) => !PLATFORM_ALERT_TYPES.includes(t),
);

/** Deadline stages, in loop order. */
export const SLA_STAGES = ['acknowledge', 'dispatch', 'accept', 'arrive', 'resolve'] as const;
export const SlaStageSchema = z.enum(SLA_STAGES);
export type SlaStage = z.infer<typeof SlaStageSchema>;

export const GeoPointSchema = z.object({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});
export type GeoPoint = z.infer<typeof GeoPointSchema>;

/** A GeoJSON polygon ring list in lon/lat (EPSG:4326). */
export const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(z.tuple([z.number(), z.number()])).min(4)).min(1),
});
export type Polygon = z.infer<typeof PolygonSchema>;
