import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hashSync, verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import type { LoginRequest, LoginResponse } from '@xueliang/contracts';
import { auditAction, recordAudit, User } from '@xueliang/db';
import { AuthUser, SessionService } from '@xueliang/auth';
import { LoginRateLimiter } from './login-rate-limiter';

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
const DUMMY_HASH = hashSync('no-such-user-password');

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly limiter: LoginRateLimiter,
  ) {}

  async login(request: LoginRequest, ip: string): Promise<LoginResponse> {
    await this.limiter.assertAllowed(request.username, ip);
    const user = await this.db.getRepository(User).findOneBy({ username: request.username });
    const ok = await verify(user?.passwordHash ?? DUMMY_HASH, request.password).catch(() => false);
    if (!user || !ok) {
      await this.limiter.recordFailure(request.username, ip);
      await recordAudit(this.db.manager, {
        actorId: user?.id ?? null,
        actorName: request.username,
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        ip,
      });
      throw new UnauthorizedException('wrong username or password');
    }
    if (user.disabled) throw new UnauthorizedException('account disabled');
    await this.limiter.reset(request.username);
    await this.db.getRepository(User).update(user.id, { lastLoginAt: new Date() });
    const session = await this.sessions.issue(user);
    const authUser = await this.sessions.toAuthUser(user);
    await auditAction(this.db.manager, user, ip, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      regionId: user.regionId,
    });
    return { ...session, user: toSessionUser(authUser) };
  }
}

export function toSessionUser(user: AuthUser): LoginResponse['user'] {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    regionId: user.regionId,
    regionName: user.regionName,
    regionLevel: user.regionLevel,
  };
}
