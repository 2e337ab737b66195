import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@xueliang/contracts';
import { IS_PUBLIC_KEY } from '@xueliang/platform';
import type { AuthUser } from './auth-user';

/** The platform's key, which its health routes also set, so one guard honours both. */
export { IS_PUBLIC_KEY };
export const ROLES_KEY = 'xl:roles';

/** Route needs no session (login, health, HLS with its own signed token, integration keys). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Route needs one of these roles. Without it any signed-in user may call the route. */
export const RequireRoles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

export interface AuthedRequest {
  user?: AuthUser;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  const request = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!request.user) throw new Error('CurrentUser used on a public route');
  return request.user;
});
