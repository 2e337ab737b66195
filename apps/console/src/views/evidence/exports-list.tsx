import { useEffect, useState } from 'react';
import type { ExportView } from '@xueliang/contracts';
import { saveBlob } from '../../api/client';
import { exportsApi } from '../../api/recording-endpoints';
import { useSession, useUser } from '../../api/session-provider';
import { useResource } from '../../hooks/use-resource';
import { useSocketEvent } from '../../hooks/use-socket-event';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime, formatDuration } from '../../i18n/format';
import type { MessageKey } from '../../i18n/dictionary';
import { ListStateBox } from '../common/state-box';
import { describeError } from '../playback/evidence-dialogs';

/**
 * Export progress comes pushed (export.progress, to the requester) and is polled as well while a
 * job runs (for others who may see it, and across a lost socket), slowly otherwise.
 */
const POLL_RUNNING_MS = 1500;
const POLL_IDLE_MS = 15_000;

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  return `${Math.ceil(n / 1024)} KB`;
}

/** 导出任务: every export the user may see, with its progress, files and reason. */
export function ExportsList({ highlight }: { highlight: string | null }) {
  const { t, locale } = useI18n();
  const user = useUser();
  const { hasRole } = useSession();
  const exportsList = useResource(() => exportsApi.list(), []);
  const { reload, setData } = exportsList;
  const [error, setError] = useState<string | null>(null);
  const running = (exportsList.data ?? []).some((e) => e.status === 'queued' || e.status === 'running');

  useEffect(() => {
    const timer = setInterval(reload, running ? POLL_RUNNING_MS : POLL_IDLE_MS);
    return () => clearInterval(timer);
  }, [running, reload]);

  // The requester's consoles get each step pushed; a finished export is fetched again for its files.
  useSocketEvent('export.progress', (m) => {
    setData((prev) =>
      (prev ?? []).map((e) =>
        e.id === m.exportId ? { ...e, status: m.status, progress: m.progress, error: m.error } : e,
      ),
    );
    if (m.status === 'done' || m.status === 'failed') reload();
  });

  const download = async (e: ExportView, name: string) => {
    setError(null);
    try {
      saveBlob(await exportsApi.file(e.id, name), name);
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const remove = async (e: ExportView) => {
    if (!window.confirm(t('common.confirmDelete'))) return;
    setError(null);
    try {
      await exportsApi.remove(e.id);
      reload();
    } catch (err) {
      setError(describeError(err, t));
    }
  };
  const canDelete = (e: ExportView) => hasRole('supervisor', 'admin') || e.requestedBy === user.id;

  return (
    <div>
      <div className="toolbar">
        <span className="muted small">{t('evidence.exportsHint')}</span>
        <span className="spacer" />
        {error && (
          <span className="text-error small" data-testid="exports-error">
            {error}
          </span>
        )}
        <button type="button" className="btn btn-small" onClick={reload}>
          {t('evidence.refresh')}
        </button>
      </div>
      <ListStateBox list={exportsList}>
        <table className="table" data-testid="exports-table">
          <thead>
            <tr>
              <th>{t('common.time')}</th>
              <th>{t('evidence.range')}</th>
              <th>{t('evidence.reason')}</th>
              <th>{t('evidence.requestedBy')}</th>
              <th>{t('common.status')}</th>
              <th>{t('evidence.files')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(exportsList.data ?? []).map((e) => {
              const from = Math.min(...e.items.map((i) => Date.parse(i.from)));
              const to = Math.max(...e.items.map((i) => Date.parse(i.to)));
              return (
                <tr
                  key={e.id}
                  data-testid="export-row"
                  data-export-id={e.id}
                  data-status={e.status}
                  className={e.id === highlight ? 'row-highlight' : ''}
                >
                  <td className="mono">{formatDateTime(e.createdAt, locale)}</td>
                  <td className="mono small">
                    {formatDateTime(new Date(from).toISOString(), locale)} · {formatDuration(to - from)} ·{' '}
                    {t('evidence.cameraCount', { n: e.items.length })}
                  </td>
                  <td>{e.reason}</td>
                  <td>{e.requestedByName}</td>
                  <td>
                    <span className={`badge export-${e.status}`}>
                      {t(`evidence.status.${e.status}` as MessageKey)}
                    </span>
                    {(e.status === 'running' || e.status === 'queued') && (
                      <span className="progress" data-testid="export-progress" data-progress={e.progress}>
                        <span style={{ width: `${Math.round(e.progress * 100)}%` }} />
                      </span>
                    )}
                    {e.error && <div className="text-error small">{e.error}</div>}
                  </td>
                  <td>
                    {e.files.map((f) => (
                      <div key={f.name}>
                        <button
                          type="button"
                          className="btn-link"
                          data-testid="export-file"
                          onClick={() => void download(e, f.name)}
                          title={f.sha256}
                        >
                          {f.name}
                        </button>{' '}
                        <span className="muted small">{bytes(f.bytes)}</span>
                      </div>
                    ))}
                    {e.status === 'done' && (
                      <button
                        type="button"
                        className="btn-link small"
                        data-testid="export-manifest"
                        onClick={() => void download(e, 'manifest.json')}
                        title={t('evidence.manifestHint')}
                      >
                        manifest.json
                      </button>
                    )}
                  </td>
                  <td>
                    {canDelete(e) && e.status !== 'running' && (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        data-testid="export-delete"
                        onClick={() => void remove(e)}
                      >
                        {t('common.delete')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListStateBox>
    </div>
  );
}
