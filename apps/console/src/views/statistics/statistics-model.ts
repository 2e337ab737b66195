/**
 * The statistics body is still being defined by the alerts engineer, so the console reads it
 * tolerantly: lists of {key|name|type|…, count|value} or plain records both become chart rows.
 */
export interface ChartRow {
  name: string;
  value: number;
}
export interface NetworkingRow {
  name: string;
  online: number;
  total: number;
  rate: number;
}
export interface StageRow {
  stage: string;
  onTime: number | null;
  median: number | null;
  p90: number | null;
}
export interface StatisticsModel {
  total: number | null;
  resolvedShare: number | null;
  satisfaction: number | null;
  networking: NetworkingRow[];
  byType: ChartRow[];
  bySource: ChartRow[];
  byStatus: ChartRow[];
  stages: StageRow[];
}

type Loose = Record<string, unknown>;
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : null;
const str = (o: Loose, ...keys: string[]): string => {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return '';
};
const first = (o: Loose, ...keys: string[]): number | null => {
  for (const k of keys) {
    const n = num(o[k]);
    if (n !== null) return n;
  }
  return null;
};

export function toRows(v: unknown): ChartRow[] {
  if (Array.isArray(v)) {
    return v.map((x: Loose) => ({
      name: str(x, 'key', 'name', 'type', 'source', 'status', 'label'),
      value: first(x, 'count', 'value', 'total') ?? 0,
    }));
  }
  if (v && typeof v === 'object') {
    return Object.entries(v as Loose).map(([name, value]) => ({
      name,
      value: num(value) ?? first(value as Loose, 'count', 'value') ?? 0,
    }));
  }
  return [];
}

/** Seconds become minutes for the chart (durations in the sources are minutes to days). */
const minutes = (s: number | null) => (s === null ? null : Math.round((s / 60) * 10) / 10);
/** A share may come as 0.93 or 93; charts show percent. */
const percent = (x: number | null) =>
  x === null ? null : x <= 1 ? Math.round(x * 1000) / 10 : Math.round(x * 10) / 10;

export function toModel(body: unknown): StatisticsModel {
  const b = (body ?? {}) as Loose;
  const alerts = (b.alerts ?? b) as Loose;
  const networkingRaw = (b.networking ?? b.networkingRate ?? b.cameras ?? []) as unknown;
  const networking = (
    Array.isArray(networkingRaw) ? networkingRaw : (((networkingRaw as Loose).byRegion as unknown[]) ?? [])
  ).map((x) => {
    const o = x as Loose;
    const online = first(o, 'online') ?? 0;
    const total = first(o, 'total', 'cameras') ?? 0;
    return {
      name: str(o, 'regionName', 'name', 'region'),
      online,
      total,
      rate: percent(first(o, 'rate', 'share')) ?? (total ? Math.round((online / total) * 1000) / 10 : 0),
    };
  });
  const stagesRaw = (alerts.stages ?? b.stages ?? b.sla ?? []) as unknown;
  const stageList: [string, Loose][] = Array.isArray(stagesRaw)
    ? stagesRaw.map((s: Loose) => [str(s, 'stage', 'name'), s])
    : Object.entries((stagesRaw ?? {}) as Record<string, Loose>);
  const stages = stageList.map(([stage, s]) => ({
    stage,
    onTime: percent(first(s, 'onTimeShare', 'onTime', 'metShare', 'met')),
    median: minutes(first(s, 'medianSeconds', 'median', 'p50Seconds', 'p50')),
    p90: minutes(first(s, 'p90Seconds', 'p90')),
  }));
  const sat = alerts.satisfaction ?? b.satisfaction;
  return {
    total: first(alerts, 'total', 'count'),
    resolvedShare: percent(first(alerts, 'resolvedShare', 'resolutionRate')),
    satisfaction: percent(
      typeof sat === 'object' && sat ? first(sat as Loose, 'share', 'satisfiedShare', 'rate') : num(sat),
    ),
    networking,
    byType: toRows(alerts.byType ?? b.byType),
    bySource: toRows(alerts.bySource ?? b.bySource),
    byStatus: toRows(alerts.byStatus ?? b.byStatus),
    stages,
  };
}
