import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@xueliang/contracts';
import { AuthedRequest, IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import { bearerToken, SessionService } from './session.service';

/** Global: every HTTP route needs a valid session unless it is marked @Public(). */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.user = await this.sessions.authenticate(bearerToken(request.headers.authorization));
    return true;
  }
}

/** Global: a route's @RequireRoles list, checked after the session. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<AuthedRequest>().user;
    if (!user) return true; // public route
    if (!user.roles.some((r) => roles.includes(r))) {
      throw new ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
