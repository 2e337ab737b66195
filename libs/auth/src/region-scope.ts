import { NotFoundException, ForbiddenException } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from './auth-user';

/**
 * The one place that decides what part of the region tree a user may see: their home region
 * and everything below it. Paths are materialised ("620725.620725101."), so a subtree is a
 * prefix and the check is a string comparison the database can index.
 */
export function inScope(user: AuthUser, regionPath: string): boolean {
  return regionPath.startsWith(user.regionPath);
}

/** For reads: something outside the scope does not exist as far as the user can tell. */
export function assertVisible(user: AuthUser, regionPath: string, what = 'resource'): void {
  if (!inScope(user, regionPath)) throw new NotFoundException(`${what} not found`);
}

/** For writes that name a region (create a user there, dispatch to a unit there). */
export function assertWritable(user: AuthUser, regionPath: string, what = 'region'): void {
  if (!inScope(user, regionPath)) throw new ForbiddenException(`${what} is outside your region`);
}

/** Restricts a query to the user's subtree through the entity's region path column. */
export function scopeToRegion<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  user: AuthUser,
  pathColumn = `${qb.alias}.regionPath`,
): SelectQueryBuilder<T> {
  return qb.andWhere(`${pathColumn} LIKE :xlScopePath`, { xlScopePath: `${escapeLike(user.regionPath)}%` });
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
