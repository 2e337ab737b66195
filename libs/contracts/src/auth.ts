import { z } from 'zod';
import { RoleSchema, RegionLevelSchema } from './domain';

export const LoginRequestSchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** What the console knows about the signed-in user. */
export const SessionUserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  regionId: z.uuid(),
  regionName: z.string(),
  regionLevel: RegionLevelSchema,
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export interface LoginResponse {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
}

/** Claims inside the access token. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  roles: string[];
  regionId: string;
}
