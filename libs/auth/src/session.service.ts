import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Region, User } from '@xueliang/db';
import type { AccessTokenClaims } from '@xueliang/contracts';
import type { AuthUser } from './auth-user';

interface TokenPayload extends AccessTokenClaims {
  tv: number;
}

/**
 * Issues and checks access tokens. A token is only as good as the user behind it: every check
 * re-reads the user, so disabling an account or changing its password (token version) ends
 * its sessions at once.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async issue(user: User): Promise<{ accessToken: string; expiresAt: string }> {
    const payload: TokenPayload = {
      sub: user.id,
      username: user.username,
      roles: user.roles,
      regionId: user.regionId,
      tv: user.tokenVersion,
    };
    const accessToken = await this.jwt.signAsync(payload);
    const { exp } = this.jwt.decode<{ exp: number }>(accessToken);
    return { accessToken, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Throws 401 with a reason for a missing, tampered, expired or revoked token. */
  async authenticate(token: string | undefined): Promise<AuthUser> {
    if (!token) throw new UnauthorizedException('missing access token');
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch (err) {
      const expired = err instanceof Error && err.name === 'TokenExpiredError';
      throw new UnauthorizedException(expired ? 'access token expired' : 'invalid access token');
    }
    const user = await this.db.getRepository(User).findOneBy({ id: payload.sub });
    if (!user) throw new UnauthorizedException('user no longer exists');
    if (user.disabled) throw new UnauthorizedException('account disabled');
    if (user.tokenVersion !== payload.tv)
      throw new UnauthorizedException('session revoked, please sign in again');
    return this.toAuthUser(user);
  }

  /** When a token that authenticate() accepted expires (ms since the epoch). */
  expiresAt(token: string): number {
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return exp * 1000;
  }

  async toAuthUser(user: User): Promise<AuthUser> {
    const region = await this.db.getRepository(Region).findOneByOrFail({ id: user.regionId });
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      regionId: region.id,
      regionName: region.name,
      regionLevel: region.level,
      regionPath: region.path,
    };
  }
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}
