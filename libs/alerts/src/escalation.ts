import type { Queryable } from '@xueliang/db';

/** The region an escalation (逐级上报) moves an alert to. */
export interface ParentRegion {
  id: string;
  path: string;
  name: string;
}

/**
 * The parent of `regionId`, or null at the top of the tree (the county has nowhere to escalate
 * to). One query for both escalation paths: a dispatcher's escalate command in the api and the
 * alert-service's escalation of an overdue alert.
 */
export async function findParentRegion(db: Queryable, regionId: string): Promise<ParentRegion | null> {
  const [parent] = (await db.query(
    `SELECT p.id, p.path, p.name FROM regions r JOIN regions p ON p.id = r.parent_id WHERE r.id = $1`,
    [regionId],
  )) as ParentRegion[];
  return parent ?? null;
}
