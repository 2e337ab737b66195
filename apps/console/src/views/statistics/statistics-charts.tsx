import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import type { ChartRow, StatisticsModel } from './statistics-model';

const AXIS = { stroke: '#8597ad', fontSize: 11 };
const TOOLTIP = { contentStyle: { background: '#101c2b', border: '1px solid #22364f' } };

function Card({
  title,
  children,
  testId,
  empty,
}: {
  title: string;
  children: React.ReactElement;
  testId?: string;
  empty?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="chart-card" data-testid={testId}>
      <h3>{title}</h3>
      <div style={{ flex: 1, minHeight: 0 }}>
        {empty ? (
          <div className="state-box state-empty">{t('common.empty')}</div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}

function CountChart({ rows, prefix, color }: { rows: ChartRow[]; prefix: string; color: string }) {
  const { t } = useI18n();
  const data = rows.map((r) => {
    const key = `${prefix}.${r.name}` as MessageKey;
    const label = t(key);
    return { ...r, label: label === key ? r.name : label };
  });
  return (
    <BarChart data={data} margin={{ left: 0, right: 8, top: 4, bottom: 4 }}>
      <CartesianGrid stroke="#1b2b40" vertical={false} />
      <XAxis dataKey="label" tick={AXIS} interval={0} angle={-25} textAnchor="end" height={50} />
      <YAxis tick={AXIS} allowDecimals={false} />
      <Tooltip {...TOOLTIP} />
      <Bar dataKey="value" fill={color} isAnimationActive={false} />
    </BarChart>
  );
}

export function StatisticsCharts({ model }: { model: StatisticsModel }) {
  const { t } = useI18n();
  const stages = model.stages.map((s) => ({ ...s, label: t(`stage.${s.stage}` as MessageKey) }));
  return (
    <>
      <div className="kpis">
        <div className="kpi">
          <span className="muted">{t('stats.total')}</span>
          <strong>{model.total ?? '—'}</strong>
        </div>
        <div className="kpi">
          <span className="muted">{t('stats.resolvedShare')}</span>
          <strong>{model.resolvedShare === null ? '—' : `${model.resolvedShare}%`}</strong>
        </div>
        <div className="kpi">
          <span className="muted">{t('stats.satisfaction')}</span>
          <strong>{model.satisfactionShare === null ? '—' : `${model.satisfactionShare}%`}</strong>
          <span className="muted small">
            {model.satisfactionAverage === null ? '' : `★ ${model.satisfactionAverage}`}
          </span>
        </div>
        <div className="kpi">
          <span className="muted">{t('stats.networkingTotal')}</span>
          <strong>{model.networkingRate === null ? '—' : `${model.networkingRate}%`}</strong>
        </div>
      </div>
      <div className="charts">
        <Card title={t('stats.networking')} testId="chart-networking" empty={!model.networking.length}>
          <BarChart data={model.networking}>
            <CartesianGrid stroke="#1b2b40" vertical={false} />
            <XAxis dataKey="name" tick={AXIS} interval={0} angle={-25} textAnchor="end" height={50} />
            <YAxis tick={AXIS} domain={[0, 100]} unit="%" />
            <Tooltip {...TOOLTIP} />
            <Bar dataKey="rate" fill="#3fb27f" isAnimationActive={false} />
          </BarChart>
        </Card>
        <Card title={t('stats.byType')} testId="chart-type" empty={!model.byType.length}>
          <CountChart rows={model.byType} prefix="type" color="#4da3ff" />
        </Card>
        <Card title={t('stats.bySource')} testId="chart-source" empty={!model.bySource.length}>
          <CountChart rows={model.bySource} prefix="source" color="#8f7dff" />
        </Card>
        <Card title={t('stats.byStatus')} testId="chart-status" empty={!model.byStatus.length}>
          <CountChart rows={model.byStatus} prefix="status" color="#d4a72c" />
        </Card>
        <Card title={t('stats.onTime')} testId="chart-ontime" empty={stages.every((s) => s.due === 0)}>
          <BarChart data={stages}>
            <CartesianGrid stroke="#1b2b40" vertical={false} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} domain={[0, 100]} unit="%" />
            <Tooltip {...TOOLTIP} />
            <Bar dataKey="onTime" fill="#3fb27f" isAnimationActive={false} />
          </BarChart>
        </Card>
        <Card title={t('stats.times')} testId="chart-times" empty={stages.every((s) => s.mean === null)}>
          <BarChart data={stages}>
            <CartesianGrid stroke="#1b2b40" vertical={false} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} />
            <Tooltip {...TOOLTIP} />
            <Legend />
            <Bar dataKey="mean" name={t('stats.mean')} fill="#4da3ff" isAnimationActive={false} />
            <Bar dataKey="median" name={t('stats.median')} fill="#3fb27f" isAnimationActive={false} />
            <Bar dataKey="p90" name="P90" fill="#fa8c16" isAnimationActive={false} />
          </BarChart>
        </Card>
      </div>
    </>
  );
}
