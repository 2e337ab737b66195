import { z } from 'zod';
import { GeoPointSchema, PolygonSchema, RegionLevelSchema, RoleSchema, UnitKindSchema } from './domain';

const Username = z
  .string()
  .trim()
  .min(2, 'username needs at least 2 characters')
  .max(64)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'username may hold letters, digits, _ . - only');
const Password = z.string().min(8, 'password needs at least 8 characters').max(256);

export const CreateUserSchema = z.object({
  username: Username,
  displayName: z.string().trim().min(1).max(64),
  password: Password,
  roles: z.array(RoleSchema).min(1, 'at least one role'),
  regionId: z.uuid(),
  phone: z.string().trim().max(32).optional(),
});
export type CreateUser = z.infer<typeof CreateUserSchema>;

export const UpdateUserSchema = z
  .object({
    displayName: z.string().trim().min(1).max(64),
    password: Password,
    roles: z.array(RoleSchema).min(1, 'at least one role'),
    regionId: z.uuid(),
    phone: z.string().trim().max(32).nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateUser = z.infer<typeof UpdateUserSchema>;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  regionId: string;
  regionName: string;
  phone: string | null;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export const CreateRegionSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[0-9A-Za-z_-]+$/, 'code may hold letters, digits, _ and - only'),
  name: z.string().trim().min(1).max(64),
  level: RegionLevelSchema,
  parentId: z.uuid(),
  centre: GeoPointSchema,
  boundary: PolygonSchema.nullable().optional(),
});
export type CreateRegion = z.infer<typeof CreateRegionSchema>;

export const UpdateRegionSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    centre: GeoPointSchema,
    boundary: PolygonSchema.nullable(),
  })
  .partial()
  .strict();
export type UpdateRegion = z.infer<typeof UpdateRegionSchema>;

export interface RegionView {
  id: string;
  code: string;
  name: string;
  level: string;
  parentId: string | null;
  path: string;
  centre: { lon: number; lat: number };
  boundary: unknown | null;
}

export const CreateUnitSchema = z.object({
  name: z.string().trim().min(1).max(64),
  kind: UnitKindSchema,
  regionId: z.uuid(),
  phone: z.string().trim().max(32).optional(),
});
export type CreateUnit = z.infer<typeof CreateUnitSchema>;

export const UpdateUnitSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    kind: UnitKindSchema,
    regionId: z.uuid(),
    phone: z.string().trim().max(32).nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateUnit = z.infer<typeof UpdateUnitSchema>;

export interface UnitView {
  id: string;
  name: string;
  kind: string;
  regionId: string;
  regionName: string;
  phone: string | null;
  disabled: boolean;
}

/** Standard error body of every 4xx/5xx. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const WALL_TILES = [1, 4, 9, 16] as const;

/** A user's saved camera wall (PUT /api/walls/:id creates or replaces it). */
export const SaveWallSchema = z.object({
  name: z.string().trim().min(1).max(64),
  tiles: z.union([z.literal(1), z.literal(4), z.literal(9), z.literal(16)]),
  cameraIds: z.array(z.uuid()).max(256),
  patrolSeconds: z.number().int().min(0).max(3600).default(0),
});
export type SaveWall = z.infer<typeof SaveWallSchema>;

export interface WallView extends SaveWall {
  id: string;
  updatedAt: string;
}
