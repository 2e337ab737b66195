import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { INTERNAL_TOKEN_HEADER, internalToken, isInternalTokenValid } from '@xueliang/gateway-protocol';

/** Every gateway route but health needs the api's internal token; browsers never hold it. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: string;

  constructor(
    private readonly reflector: Reflector,
    @InjectConfig() config: AppConfig,
  ) {
    this.expected = internalToken(config.JWT_SECRET);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>('isPublic', [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const presented = req.headers[INTERNAL_TOKEN_HEADER];
    if (!isInternalTokenValid(typeof presented === 'string' ? presented : undefined, this.expected)) {
      throw new UnauthorizedException('internal token required');
    }
    return true;
  }
}
