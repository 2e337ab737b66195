import { DataSource } from 'typeorm';
import type { AuthUser } from './auth-user';
import {
  inScope,
  inSubtree,
  inSubtreeOf,
  scopeToRegion,
  scopeToRegionOrUnplaced,
  subtreePattern,
  whereInSubtree,
} from './region-scope';

const COUNTY = '620799.';
const TOWNSHIP = '620799.620799001.';
const VILLAGE = '620799.620799001.620799001003.';
const OTHER_TOWNSHIP = '620799.620799002.';

function user(regionPath: string): AuthUser {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    username: 'duty_t1',
    displayName: 'Duty',
    roles: ['duty_officer'],
    regionId: '00000000-0000-4000-8000-000000000002',
    regionName: '清泉镇',
    regionLevel: 'township',
    regionPath,
  };
}

// A DataSource that is never initialised: query builders render SQL without a connection.
const db = new DataSource({ type: 'postgres' });
const query = () => db.createQueryBuilder().select('a.id').from('alerts', 'a');

describe('subtree filter', () => {
  it.each([
    ['a township', TOWNSHIP, '620799.620799001.%'],
    ['the county', COUNTY, '620799.%'],
    ['a path with LIKE wildcards and a backslash', '62_7.9%\\.', '62\\_7.9\\%\\\\.%'],
  ])('the pattern of %s is the escaped path then %%', (_what, path, pattern) => {
    expect(subtreePattern(path)).toBe(pattern);
  });

  it.each([
    ['region_path', 1, 'region_path LIKE $1'],
    ['c.region_path', 2, 'c.region_path LIKE $2'],
    ['COALESCE(c.region_path, p.region_path)', 1, 'COALESCE(c.region_path, p.region_path) LIKE $1'],
  ])('raw SQL form on %s at $%d', (column, n, sql) => {
    expect(inSubtree(column, TOWNSHIP, n)).toEqual({ sql, param: '620799.620799001.%' });
  });

  it.each([
    [VILLAGE, TOWNSHIP, true],
    [TOWNSHIP, TOWNSHIP, true],
    [COUNTY, TOWNSHIP, false],
    [OTHER_TOWNSHIP, TOWNSHIP, false],
    // A code that merely starts with the same digits is a sibling, not a child: paths end in '.'.
    ['620799.6207990011.', TOWNSHIP, false],
  ])('in memory: %s within %s is %s', (path, root, expected) => {
    expect(inSubtreeOf(path, root)).toBe(expected);
    expect(inScope(user(root), path)).toBe(expected);
  });

  it('query-builder form binds the pattern under the name given', () => {
    const qb = whereInSubtree(query(), 'a.region_path', VILLAGE, 'pick');
    expect(qb.getQuery()).toContain('a.region_path LIKE :pick');
    expect(qb.getParameters()).toEqual({ pick: '620799.620799001.620799001003.%' });
  });

  it('scopeToRegion and a second subtree filter keep separate parameters', () => {
    const qb = whereInSubtree(
      scopeToRegion(query(), user(TOWNSHIP), 'a.region_path'),
      'a.region_path',
      VILLAGE,
    );
    expect(qb.getParameters()).toEqual({
      xlScopePath: '620799.620799001.%',
      xlSubtree: '620799.620799001.620799001003.%',
    });
  });

  it('records without a region are the county’s: no filter at the top of the tree, the subtree below it', () => {
    expect(scopeToRegionOrUnplaced(query(), user(COUNTY), 'r.path').getQuery()).not.toContain('WHERE');
    const township = scopeToRegionOrUnplaced(query(), user(TOWNSHIP), 'r.path');
    expect(township.getQuery()).toContain('r.path LIKE :xlScopePath');
    expect(township.getParameters()).toEqual({ xlScopePath: '620799.620799001.%' });
  });
});
