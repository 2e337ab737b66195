import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  SLA_STAGES,
  type DurationStats,
  type StatisticsQuery,
  type StatisticsView,
} from '@xueliang/contracts';
import { assertVisible, inSubtree, type AuthUser } from '@xueliang/auth';

const DEFAULT_DAYS = 30;

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Stage → the column that records reaching it. Fixed names only: they are put into SQL. */
const STAGE_COLUMN = {
  acknowledge: 'acknowledged_at',
  dispatch: 'dispatched_at',
  accept: 'accepted_at',
  arrive: 'arrived_at',
  resolve: 'resolved_at',
} as const;

/**
 * The statistics page: networking rate, counts, deadlines met, response times (mean, median and p90 by
 * percentile_cont), satisfaction and resolved share, for one region subtree and time range
 * (alerts by creation time).
 */
@Injectable()
export class StatisticsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async compute(user: AuthUser, q: StatisticsQuery): Promise<StatisticsView> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_DAYS * 86400_000);
    const [region] = await this.db.query<{ id: string; name: string; path: string }[]>(
      'SELECT id, name, path FROM regions WHERE id = $1',
      [q.regionId ?? user.regionId],
    );
    if (!region) throw new NotFoundException('region not found');
    assertVisible(user, region.path, 'region');
    const subtree = inSubtree('region_path', region.path, 1);
    const where = `${subtree.sql} AND created_at >= $2 AND created_at < $3`;
    const params = [subtree.param, from.toISOString(), to.toISOString()];

    const networking = await this.db.query<{ id: string; name: string; total: number; online: number }[]>(
      `SELECT r.id, r.name, count(c.id)::int AS total, (count(c.id) FILTER (WHERE c.status = 'online'))::int AS online
         FROM regions r LEFT JOIN cameras c ON starts_with(c.region_path, r.path)
        WHERE r.parent_id = $1 GROUP BY r.id, r.name, r.path ORDER BY r.path`,
      [region.id],
    );
    const [cams] = await this.db.query<{ total: number; online: number }[]>(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'online'))::int AS online
         FROM cameras WHERE ${subtree.sql}`,
      [subtree.param],
    );

    const groups = async (column: 'type' | 'source' | 'status'): Promise<Record<string, number>> => {
      const rows = await this.db.query<{ key: string; n: number }[]>(
        `SELECT ${column} AS key, count(*)::int AS n FROM alerts WHERE ${where} GROUP BY ${column} ORDER BY ${column}`,
        params,
      );
      return Object.fromEntries(rows.map((r) => [r.key, r.n]));
    };

    const deadlineCols = SLA_STAGES.map((s) => {
      const at = STAGE_COLUMN[s];
      const due = `(deadlines->>'${s}')::timestamptz`;
      return `count(*) FILTER (WHERE deadlines ? '${s}' AND (${at} IS NOT NULL OR '${s}' = ANY(overdue_stages)))::int AS "${s}_due",
              count(*) FILTER (WHERE deadlines ? '${s}' AND ${at} IS NOT NULL AND ${at} <= ${due})::int AS "${s}_met"`;
    });
    const timed = ['acknowledge', 'dispatch', 'arrive', 'resolve'] as const;
    const timeCols = timed.map((s) => {
      const x = `extract(epoch FROM ${STAGE_COLUMN[s]} - created_at)`;
      return `count(${STAGE_COLUMN[s]})::int AS "${s}_n", avg(${x}) AS "${s}_mean",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x}) AS "${s}_median",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ${x}) AS "${s}_p90"`;
    });
    const [agg] = await this.db.query<Record<string, unknown>[]>(
      `SELECT count(*)::int AS total,
              ${deadlineCols.join(',\n')},
              ${timeCols.join(',\n')},
              count(satisfaction)::int AS sat_n, avg(satisfaction) AS sat_avg,
              (count(*) FILTER (WHERE satisfaction >= 4))::int AS sat_good,
              (count(*) FILTER (WHERE resolved_at IS NOT NULL))::int AS resolved_n,
              (count(*) FILTER (WHERE status <> 'DISMISSED'))::int AS resolvable_n
         FROM alerts WHERE ${where}`,
      params,
    );

    const duration = (s: (typeof timed)[number]): DurationStats => ({
      count: Number(agg[`${s}_n`]),
      meanSeconds: num(agg[`${s}_mean`]),
      medianSeconds: num(agg[`${s}_median`]),
      p90Seconds: num(agg[`${s}_p90`]),
    });
    const deadlines = Object.fromEntries(
      SLA_STAGES.map((s) => {
        const due = Number(agg[`${s}_due`]);
        const met = Number(agg[`${s}_met`]);
        return [s, { due, met, share: share(met, due) }];
      }),
    ) as StatisticsView['deadlines'];
    const satN = Number(agg.sat_n);
    const resolvedN = Number(agg.resolved_n);
    const resolvable = Number(agg.resolvable_n);

    return {
      regionId: region.id,
      regionName: region.name,
      from: from.toISOString(),
      to: to.toISOString(),
      networking: networking.map((n) => ({
        regionId: n.id,
        regionName: n.name,
        online: n.online,
        total: n.total,
        rate: share(n.online, n.total),
      })),
      networkingTotal: { online: cams.online, total: cams.total, rate: share(cams.online, cams.total) },
      total: Number(agg.total),
      byType: await groups('type'),
      bySource: await groups('source'),
      byStatus: await groups('status'),
      deadlines,
      times: {
        acknowledge: duration('acknowledge'),
        dispatch: duration('dispatch'),
        arrive: duration('arrive'),
        resolve: duration('resolve'),
      },
      satisfaction: {
        count: satN,
        average: num(agg.sat_avg),
        shareAtLeast4: share(Number(agg.sat_good), satN),
      },
      resolved: { count: resolvedN, of: resolvable, share: share(resolvedN, resolvable) },
    };
  }
}

/** One "section,key,metric,value" row per number, for a spreadsheet. */
export function statisticsCsv(s: StatisticsView): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'metric', 'value']];
  rows.push(['scope', s.regionName, 'from', s.from], ['scope', s.regionName, 'to', s.to]);
  for (const n of s.networking) {
    rows.push(
      ['networking', n.regionName, 'online', n.online],
      ['networking', n.regionName, 'total', n.total],
    );
    rows.push(['networking', n.regionName, 'rate', n.rate]);
  }
  rows.push(['networking', s.regionName, 'online', s.networkingTotal.online]);
  rows.push(['networking', s.regionName, 'total', s.networkingTotal.total]);
  rows.push(['networking', s.regionName, 'rate', s.networkingTotal.rate]);
  rows.push(['alerts', 'all', 'count', s.total]);
  for (const [k, v] of Object.entries(s.byType)) rows.push(['type', k, 'count', v]);
  for (const [k, v] of Object.entries(s.bySource)) rows.push(['source', k, 'count', v]);
  for (const [k, v] of Object.entries(s.byStatus)) rows.push(['status', k, 'count', v]);
  for (const [k, v] of Object.entries(s.deadlines)) {
    rows.push(
      ['deadline', k, 'due', v.due],
      ['deadline', k, 'met', v.met],
      ['deadline', k, 'share', v.share],
    );
  }
  for (const [k, v] of Object.entries(s.times)) {
    rows.push(
      ['time', k, 'count', v.count],
      ['time', k, 'mean_seconds', v.meanSeconds],
      ['time', k, 'median_seconds', v.medianSeconds],
      ['time', k, 'p90_seconds', v.p90Seconds],
    );
  }
  rows.push(['satisfaction', 'all', 'count', s.satisfaction.count]);
  rows.push(['satisfaction', 'all', 'average', s.satisfaction.average]);
  rows.push(['satisfaction', 'all', 'share_at_least_4', s.satisfaction.shareAtLeast4]);
  rows.push(['resolved', 'all', 'count', s.resolved.count], ['resolved', 'all', 'of', s.resolved.of]);
  rows.push(['resolved', 'all', 'share', s.resolved.share]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const text = String(v);
  // Leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) && typeof v === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
