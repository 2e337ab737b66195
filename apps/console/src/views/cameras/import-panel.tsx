import { useEffect, useState } from 'react';
import {
  IMPORT_GOOD_STATUSES,
  IMPORT_ROW_STATUSES,
  type ImportFormat,
  type ImportJobView,
  type ImportOnExisting,
  type ImportRowStatus,
  type RegionView,
} from '@xueliang/contracts';
import { saveBlob } from '../../api/client';
import { cameraImportApi } from '../../api/endpoints';
import { useImportJob } from '../../hooks/use-import-job';
import { useI18n, type Translate } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { DataTable } from '../common/form';

/** The job's progress bar and counts by status. */
export function ImportProgress({ job }: { job: ImportJobView }) {
  const { t } = useI18n();
  return (
    <div className="toolbar" data-testid="import-progress" data-state={job.state} data-mode={job.mode}>
      <progress max={job.total} value={job.processed} />
      <span className="muted">
        {job.processed}/{job.total}
      </span>
      {IMPORT_ROW_STATUSES.filter((s) => job.counts[s]).map((s) => (
        <span
          key={s}
          className={`badge ${IMPORT_GOOD_STATUSES.includes(s) ? 'badge-online' : 'badge-offline'}`}
        >
          {t(`import.status.${s}` as MessageKey)} {job.counts[s]}
        </span>
      ))}
      {job.error && <span className="text-error">{job.error}</span>}
    </div>
  );
}

/** Every row of a finished job: its status, the column at fault and why. */
export function ImportReport({ job }: { job: ImportJobView }) {
  const { t } = useI18n();
  const [onlyBad, setOnlyBad] = useState(false);
  const rows = onlyBad ? job.rows.filter((r) => !IMPORT_GOOD_STATUSES.includes(r.status)) : job.rows;
  return (
    <div>
      <label className="muted small">
        <input type="checkbox" checked={onlyBad} onChange={(e) => setOnlyBad(e.target.checked)} />{' '}
        {t('import.onlyProblems')}
      </label>
      <DataTable
        testId="import-report"
        columns={[
          t('import.row'),
          t('import.kind'),
          t('cameras.address'),
          t('common.name'),
          t('common.status'),
          t('import.column'),
          t('import.message'),
        ]}
      >
        {rows.slice(0, 2000).map((r) => (
          <tr key={`${r.row}:${r.address}`} data-testid="import-row" data-row={r.row} data-status={r.status}>
            <td className="mono">{r.row}</td>
            <td>{t(`import.kind.${r.kind}` as MessageKey)}</td>
            <td className="mono small">{r.address}</td>
            <td>{r.name ?? '—'}</td>
            <td>
              <span
                className={`badge ${IMPORT_GOOD_STATUSES.includes(r.status) ? 'badge-online' : 'badge-offline'}`}
              >
                {statusText(t, r.status)}
              </span>
              {r.action && r.status === 'exists' && (
                <span className="muted small"> · {t(`import.action.${r.action}` as MessageKey)}</span>
              )}
            </td>
            <td>{r.column ?? ''}</td>
            <td className="muted small">{r.message ?? ''}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

const statusText = (t: Translate, s: ImportRowStatus): string => t(`import.status.${s}` as MessageKey);

/**
 * 批量导入: pick a CSV or .xlsx, dry run (nothing stored, every row judged, cameras probed), then
 * register the good rows with the same file. Templates and the registry export in both languages.
 */
export function ImportPanel({ regions, onRegistered }: { regions: RegionView[]; onRegistered(): void }) {
  const { t, locale } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [onExisting, setOnExisting] = useState<ImportOnExisting>('skip');
  const [regionId, setRegionId] = useState('');
  const { job, error, track, reset } = useImportJob();
  const lang = locale === 'en' ? 'en' : 'zh';
  const running = job?.state === 'running';
  const canRegister =
    !!file && job?.mode === 'dry-run' && job.state === 'done' && !!(job.counts.valid || job.counts.exists);

  const registeredDone = job?.mode === 'register' && job.state !== 'running';
  useEffect(() => {
    if (registeredDone) onRegistered();
  }, [registeredDone, onRegistered]);

  const run = (mode: 'dry-run' | 'register') => {
    if (file)
      void track(() => cameraImportApi.start(file, { mode, onExisting, regionId: regionId || undefined }));
  };
  const download = async (what: 'template' | 'export', format: ImportFormat) => {
    const blob =
      what === 'template'
        ? await cameraImportApi.template(format, lang)
        : await cameraImportApi.export(format, lang);
    saveBlob(blob, `${what === 'template' ? `camera-import-template-${lang}` : 'cameras'}.${format}`);
  };

  return (
    <div data-testid="import-panel">
      <div className="toolbar">
        <input
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          data-testid="import-file"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            reset();
          }}
        />
        <label className="muted small">
          {t('import.onExisting')}{' '}
          <select
            value={onExisting}
            data-testid="import-on-existing"
            onChange={(e) => setOnExisting(e.target.value as ImportOnExisting)}
          >
            <option value="skip">{t('import.action.skip')}</option>
            <option value="update">{t('import.action.update')}</option>
          </select>
        </label>
        <label className="muted small">
          {t('import.defaultRegion')}{' '}
          <select value={regionId} onChange={(e) => setRegionId(e.target.value)} data-testid="import-region">
            <option value="">—</option>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-small"
          disabled={!file || running}
          data-testid="import-dry-run"
          onClick={() => run('dry-run')}
        >
          {t('import.dryRun')}
        </button>
        <button
          type="button"
          className="btn btn-primary btn-small"
          disabled={!canRegister || running}
          data-testid="import-register"
          onClick={() => run('register')}
        >
          {t('import.register')}
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => void download('template', 'xlsx')}>
          {t('import.template')} .xlsx
        </button>
        <button type="button" className="btn btn-small" onClick={() => void download('template', 'csv')}>
          {t('import.template')} .csv
        </button>
        <button type="button" className="btn btn-small" onClick={() => void download('export', 'xlsx')}>
          {t('import.export')} .xlsx
        </button>
        <button type="button" className="btn btn-small" onClick={() => void download('export', 'csv')}>
          {t('import.export')} .csv
        </button>
      </div>
      <p className="muted small">{t('import.hint')}</p>
      {error !== null && (
        <p className="text-error" data-testid="import-error">
          {error instanceof Error ? error.message : String(error)}
        </p>
      )}
      {job && <ImportProgress job={job} />}
      {job && job.state !== 'running' && <ImportReport job={job} />}
    </div>
  );
}
