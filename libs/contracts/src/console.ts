/** What GET /api/config tells the console about this deployment. */
export interface ConsoleConfig {
  /** XYZ tile template for the map's base layer; empty: draw only our own region data (offline networks). */
  mapTileUrl: string;
  /** IANA zone the county works in, e.g. Asia/Shanghai. */
  timezone: string;
}

/** One row of GET /api/audit: who did what to which thing. */
export interface AuditEntryView {
  /** bigint sequence, sent as a string; also the paging cursor. */
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  regionId: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}
