import { useMemo, useState } from 'react';
import type { StatisticsView } from '@xueliang/contracts';
import { useSearchParams } from 'react-router-dom';
import { api, fetchBlob, saveBlob } from '../api/client';
import { useRegions } from '../hooks/use-regions';
import { useResource } from '../hooks/use-resource';
import { shanghaiDate, shanghaiDayStart } from '../i18n/format';
import { useI18n } from '../i18n/i18n-provider';
import { RegionSelect } from '../views/common/region-select';
import { StateBox } from '../views/common/state-box';
import { StatisticsCharts } from '../views/statistics/statistics-charts';
import { toModel } from '../views/statistics/statistics-model';

/** 统计分析: the period and region live in the URL (?from=yyyy-mm-dd&to=&regionId=). */
export function StatisticsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const regions = useRegions();
  const today = shanghaiDate(new Date());
  const monthAgo = shanghaiDate(new Date(Date.now() - 30 * 86400_000));
  const from = params.get('from') ?? monthAgo;
  const to = params.get('to') ?? today;
  const regionId = params.get('regionId') ?? '';
  const query = useMemo(
    () => ({
      from: shanghaiDayStart(from),
      // "to" is inclusive: up to the start of the next Shanghai day.
      to: new Date(new Date(shanghaiDayStart(to)).getTime() + 86400_000).toISOString(),
      regionId: regionId || undefined,
    }),
    [from, to, regionId],
  );
  const stats = useResource(() => api<StatisticsView>('/api/statistics', { query }), [query]);
  const model = useMemo(() => (stats.data ? toModel(stats.data) : null), [stats.data]);
  const [exportError, setExportError] = useState<string | null>(null);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  return (
    <div data-testid="statistics">
      <div className="toolbar">
        <strong>{t('stats.title')}</strong>
        <label className="btn-row">
          {t('stats.from')}
          <input type="date" value={from} max={to} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="btn-row">
          {t('stats.to')}
          <input type="date" value={to} min={from} onChange={(e) => set('to', e.target.value)} />
        </label>
        <RegionSelect
          regions={regions.index.list}
          value={regionId}
          onChange={(v) => set('regionId', v)}
          allowEmpty
          emptyLabel={`${t('common.region')}: ${t('common.all')}`}
          maxLevel="village"
        />
        <span className="spacer" />
        {exportError && <span className="text-error">{exportError}</span>}
        <button
          type="button"
          className="btn btn-small"
          data-testid="stats-export"
          onClick={async () => {
            setExportError(null);
            try {
              saveBlob(
                await fetchBlob('/api/statistics', { ...query, format: 'csv' }),
                `statistics-${from}-${to}.csv`,
              );
            } catch (err) {
              setExportError((err as Error).message);
            }
          }}
        >
          {t('common.export')}
        </button>
      </div>
      <StateBox
        loading={stats.loading}
        error={stats.error}
        empty={!model}
        emptyText={t('stats.unavailable')}
        onRetry={stats.reload}
      >
        {model && <StatisticsCharts model={model} />}
      </StateBox>
    </div>
  );
}
