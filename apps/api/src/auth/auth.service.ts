import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hashSync, verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import type { LoginRequest, LoginResponse } from '@xueliang/contracts';
import { auditAction, recordAudit, User } from '@xueliang/db';
import { AuthUser, SessionService } from '@xueliang/auth';
import { LoginAttackReporter } from './login-attack.reporter';
import { LoginRateLimiter, LoginThrottledException, type LoginAttempt } from './login-rate-limiter';

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
const DUMMY_HASH = hashSync('no-such-user-password');

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionService,
    private readonly limiter: LoginRateLimiter,
    private readonly attacks: LoginAttackReporter,
  ) {}

  /**
   * A slot is reserved before the password is checked, so parallel attempts cannot all slip
   * past a limit that only counted failures afterwards.
   */
  async login(request: LoginRequest, ip: string): Promise<LoginResponse> {
    const users = this.db.getRepository(User);
    let attempt: LoginAttempt;
    try {
      attempt = await this.limiter.reserve(request.username, ip);
    } catch (err) {
      if (err instanceof LoginThrottledException && err.attempt.attackStarted) {
        await this.reportAttack(
          request.username,
          await users.findOneBy({ username: request.username }),
          ip,
          err.attempt,
        );
      }
      throw err;
    }
    const user = await users.findOneBy({ username: request.username });
    // Reported whatever this attempt's outcome: the attempt that tips the count may be the real user's.
    if (attempt.attackStarted) await this.reportAttack(request.username, user, ip, attempt);
    const ok = await verify(user?.passwordHash ?? DUMMY_HASH, request.password).catch(() => false);
    if (!user || !ok) {
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
    await this.limiter.release(request.username, ip);
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

  private reportAttack(username: string, user: User | null, address: string, attempt: LoginAttempt) {
    return this.attacks.report({ username, user, address, attempts: attempt.pressure, at: new Date() });
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
