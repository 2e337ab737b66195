import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import type { CreateUser, Role, UpdateUser, UserView } from '@xueliang/contracts';
import { auditAction, Region, User } from '@xueliang/db';
import { assertVisible, assertWritable, AuthUser, scopeToRegion, whereInSubtree } from '@xueliang/auth';
import { LiveSessions } from '../live/live-sessions';
import { RegionsService } from '../regions/regions.service';

export interface UserFilter {
  role?: Role;
  regionId?: string;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly regions: RegionsService,
    private readonly liveSessions: LiveSessions,
  ) {}

  async list(actor: AuthUser, filter: UserFilter): Promise<UserView[]> {
    const qb = this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoinAndMapOne('u.region', Region, 'r', 'r.id = u.regionId');
    scopeToRegion(qb, actor, 'r.path');
    if (filter.role) qb.andWhere(':role = ANY(u.roles)', { role: filter.role });
    if (filter.regionId) {
      const region = await this.regions.findVisible(actor, filter.regionId);
      whereInSubtree(qb, 'r.path', region.path);
    }
    const rows = await qb.orderBy('u.username', 'ASC').getMany();
    return rows.map((u) => toUserView(u, (u as User & { region: Region }).region));
  }

  async get(actor: AuthUser, id: string): Promise<UserView> {
    const { user, region } = await this.findVisible(actor, id);
    return toUserView(user, region);
  }

  async create(actor: AuthUser, input: CreateUser, ip: string): Promise<UserView> {
    const region = await this.regions.findVisible(actor, input.regionId);
    assertWritable(actor, region.path);
    const passwordHash = await hash(input.password);
    return this.db.transaction(async (tx) => {
      const user = await tx.save(
        tx.create(User, {
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          roles: [...new Set(input.roles)],
          regionId: region.id,
          phone: input.phone ?? null,
        }),
      );
      await this.audit(tx, actor, 'user.create', user, ip, { roles: user.roles });
      return toUserView(user, region);
    });
  }

  async update(actor: AuthUser, id: string, input: UpdateUser, ip: string): Promise<UserView> {
    const found = await this.findVisible(actor, id);
    const user = found.user;
    let region = found.region;
    assertWritable(actor, region.path, 'user');
    if (input.regionId && input.regionId !== user.regionId) {
      region = await this.regions.findVisible(actor, input.regionId);
      assertWritable(actor, region.path);
      user.regionId = region.id;
    }
    if (input.displayName !== undefined) user.displayName = input.displayName;
    const regionChanged = region.id !== found.region.id;
    const roles = input.roles ? [...new Set(input.roles)] : user.roles;
    const rolesChanged = roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r));
    user.roles = roles;
    if (input.phone !== undefined) user.phone = input.phone;
    // A new password, a disable, or new roles or region end every session the user had: the
    // sessions (and open sockets, which joined rooms by the old region) were granted for the old ones.
    let revoke = rolesChanged || regionChanged;
    if (input.password) {
      user.passwordHash = await hash(input.password);
      revoke = true;
    }
    if (input.disabled !== undefined && input.disabled !== user.disabled) {
      user.disabled = input.disabled;
      revoke = true;
    }
    if (revoke) user.tokenVersion += 1;
    const view = await this.db.transaction(async (tx) => {
      await tx.save(user);
      const fields = Object.keys(input).filter((k) => k !== 'password');
      if (input.password) fields.push('password');
      await this.audit(tx, actor, input.disabled ? 'user.disable' : 'user.update', user, ip, { fields });
      return toUserView(user, region);
    });
    // After commit, so a socket that reconnects at once meets the new token version.
    if (revoke) this.liveSessions.end(user.id);
    return view;
  }

  private async findVisible(actor: AuthUser, id: string): Promise<{ user: User; region: Region }> {
    const user = await this.db.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundException('user not found');
    const region = await this.db.getRepository(Region).findOneByOrFail({ id: user.regionId });
    assertVisible(actor, region.path, 'user');
    return { user, region };
  }

  private audit(
    tx: DataSource['manager'],
    actor: AuthUser,
    action: string,
    user: User,
    ip: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    return auditAction(tx, actor, ip, {
      action,
      targetType: 'user',
      targetId: user.id,
      regionId: user.regionId,
      detail: { username: user.username, ...detail },
    });
  }
}

function toUserView(u: User, region: Region): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    regionId: u.regionId,
    regionName: region.name,
    phone: u.phone,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
  };
}
