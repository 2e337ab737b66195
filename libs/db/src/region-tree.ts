/** Anything that runs SQL with positional parameters: a TypeORM DataSource or EntityManager, a pg Pool. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Ids of the region at `path` and of every ancestor ("620799.620799001." → county and township).
 * Paths are materialised chains of codes, so an ancestor is any region whose path is a prefix.
 */
export async function regionIdsOnPath(db: Queryable, path: string): Promise<string[]> {
  const rows = (await db.query(`SELECT id FROM regions WHERE starts_with($1, path)`, [path])) as {
    id: string;
  }[];
  return rows.map((r) => r.id);
}
