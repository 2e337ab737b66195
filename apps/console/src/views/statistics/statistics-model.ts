import { SLA_STAGES, type StatisticsView } from '@xueliang/contracts';

/** What the charts draw, derived from GET /api/statistics (shares as percent, durations in minutes). */
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
  due: number;
  mean: number | null;
  median: number | null;
  p90: number | null;
}
export interface StatisticsModel {
  total: number;
  resolvedShare: number | null;
  satisfactionShare: number | null;
  satisfactionAverage: number | null;
  networkingRate: number | null;
  networking: NetworkingRow[];
  byType: ChartRow[];
  bySource: ChartRow[];
  byStatus: ChartRow[];
  stages: StageRow[];
}

const percent = (x: number | null | undefined) =>
  x === null || x === undefined ? null : Math.round(x * 1000) / 10;
const minutes = (s: number | null | undefined) =>
  s === null || s === undefined ? null : Math.round((s / 60) * 10) / 10;
const rows = (r: Record<string, number>): ChartRow[] =>
  Object.entries(r ?? {})
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value - a.value);

export function toModel(s: StatisticsView): StatisticsModel {
  return {
    total: s.total,
    resolvedShare: percent(s.resolved?.share),
    satisfactionShare: percent(s.satisfaction?.shareAtLeast4),
    satisfactionAverage:
      s.satisfaction?.average === null ? null : Math.round((s.satisfaction?.average ?? 0) * 100) / 100,
    networkingRate: percent(s.networkingTotal?.rate),
    networking: (s.networking ?? []).map((n) => ({
      name: n.regionName,
      online: n.online,
      total: n.total,
      rate: percent(n.rate) ?? 0,
    })),
    byType: rows(s.byType),
    bySource: rows(s.bySource),
    byStatus: rows(s.byStatus),
    stages: SLA_STAGES.map((stage) => {
      const times = (
        s.times as Partial<
          Record<
            string,
            { meanSeconds: number | null; medianSeconds?: number | null; p90Seconds: number | null }
          >
        >
      )[stage];
      return {
        stage,
        onTime: percent(s.deadlines?.[stage]?.share),
        due: s.deadlines?.[stage]?.due ?? 0,
        mean: minutes(times?.meanSeconds),
        median: minutes(times?.medianSeconds),
        p90: minutes(times?.p90Seconds),
      };
    }),
  };
}
