import { NotFoundException, ForbiddenException } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from './auth-user';

/**
 * The one place that decides what part of the region tree a user may see: their home region
 * and everything below it. Paths are materialised ("620725.620725101."), so a subtree is a
 * prefix and the check is a string comparison the database can index.
 */
export function inScope(user: AuthUser, regionPath: string): boolean {
  return inSubtreeOf(regionPath, user.regionPath);
}

/** Whether `regionPath` lies at or below `rootPath`: the in-memory twin of `inSubtree`. */
export function inSubtreeOf(regionPath: string, rootPath: string): boolean {
  return regionPath.startsWith(rootPath);
}

/** What a refused cross-region attempt was after; the api audits it (action `scope.denied`). */
export interface ScopeDenial {
  /** The kind of resource, as the refusal names it: 'alert', 'camera', 'region', … */
  what: string;
  /** 'hidden': answered 404 as if absent; 'read-only': answered 403. */
  refusal: 'hidden' | 'read-only';
}

/**
 * The 404 of a resource outside the caller's region. To the caller it is an ordinary 404; the
 * api's audit interceptor recognises it and records the attempt.
 */
class OutOfScopeNotFoundException extends NotFoundException {
  readonly scopeDenial: ScopeDenial;
  constructor(what: string) {
    super(`${what} not found`);
    this.scopeDenial = { what, refusal: 'hidden' };
  }
}

/** The 403 of a write into a region outside the caller's; audited like the 404. */
class OutOfScopeForbiddenException extends ForbiddenException {
  readonly scopeDenial: ScopeDenial;
  constructor(what: string) {
    super(`${what} is outside your region`);
    this.scopeDenial = { what, refusal: 'read-only' };
  }
}

/** The denial a scope check threw, if `error` is one. */
export function scopeDenialOf(error: unknown): ScopeDenial | null {
  return error instanceof OutOfScopeNotFoundException || error instanceof OutOfScopeForbiddenException
    ? error.scopeDenial
    : null;
}

/** For reads: something outside the scope does not exist as far as the user can tell. */
export function assertVisible(user: AuthUser, regionPath: string, what = 'resource'): void {
  if (!inScope(user, regionPath)) throw new OutOfScopeNotFoundException(what);
}

/** For writes that name a region (create a user there, dispatch to a unit there). */
export function assertWritable(user: AuthUser, regionPath: string, what = 'region'): void {
  if (!inScope(user, regionPath)) throw new OutOfScopeForbiddenException(what);
}

/** Restricts a query to the user's subtree through the entity's region path column. */
export function scopeToRegion<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  user: AuthUser,
  pathColumn = `${qb.alias}.regionPath`,
): SelectQueryBuilder<T> {
  return whereInSubtree(qb, pathColumn, user.regionPath, 'xlScopePath');
}

/**
 * For records whose region may be missing (the audit entries of failed sign-ins of unknown
 * names): those are the business of the top of the tree, so a user there sees everything and
 * anyone below sees their subtree only.
 */
export function scopeToRegionOrUnplaced<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  user: AuthUser,
  pathColumn: string,
): SelectQueryBuilder<T> {
  return atTreeTop(user) ? qb : scopeToRegion(qb, user, pathColumn);
}

/** A path of one code ("620799.") is the county's: the root of the region tree. */
function atTreeTop(user: AuthUser): boolean {
  return user.regionPath.split('.').length <= 2;
}

/**
 * Query-builder form of the subtree filter: `column` (a region path) lies at or below `path`.
 * `param` names the bound pattern; give a second filter on the same query its own name.
 */
export function whereInSubtree<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  path: string,
  param = 'xlSubtree',
): SelectQueryBuilder<T> {
  return qb.andWhere(`${column} LIKE :${param}`, { [param]: subtreePattern(path) });
}

/** A subtree condition for raw SQL: the text to put in a WHERE and the value to bind at `$n`. */
export interface SubtreeCondition {
  sql: string;
  param: string;
}

/**
 * Raw-SQL form of the subtree filter: `column` (a region path, or an expression giving one)
 * lies at or below `path`, with the pattern bound at placeholder `$n`. A prefix `LIKE` is what
 * the `text_pattern_ops` indexes on the path columns serve.
 */
export function inSubtree(column: string, path: string, n: number): SubtreeCondition {
  return { sql: `${column} LIKE $${n}`, param: subtreePattern(path) };
}

/** The `LIKE` pattern of everything at or below `path`: the path with its wildcards escaped, then `%`. */
export function subtreePattern(path: string): string {
  return `${escapeLike(path)}%`;
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
