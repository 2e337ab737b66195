import { useState, type DragEvent } from 'react';
import type { ExportVerification } from '@xueliang/contracts';
import { exportsApi } from '../../api/recording-endpoints';
import { useI18n } from '../../i18n/i18n-provider';
import { describeError } from '../playback/evidence-dialogs';
import { splitVerifyFiles } from './verify-files';

/**
 * 校验: drop (or pick) an export's manifest.json and its MP4 files; the api says whether the
 * manifest is signed by this platform and, per file, whether it is intact or which bytes changed.
 */
export function VerifyPanel() {
  const { t } = useI18n();
  const [files, setFiles] = useState<File[]>([]);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportVerification | null>(null);
  const [error, setError] = useState<string | null>(null);

  const add = (list: FileList | null) => {
    if (!list) return;
    const next = new Map(files.map((f) => [f.name, f]));
    for (const f of Array.from(list)) next.set(f.name, f);
    setFiles([...next.values()]);
    setResult(null);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };
  const { manifest, clips } = splitVerifyFiles(files);
  const verify = async () => {
    if (!manifest) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await exportsApi.verify(manifest, clips));
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify-panel">
      <div
        className={`drop-zone ${over ? 'drop-over' : ''}`}
        data-testid="verify-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>{t('evidence.dropHint')}</p>
        <input
          type="file"
          multiple
          accept=".json,.mp4,video/mp4,application/json"
          onChange={(e) => add(e.target.files)}
          data-testid="verify-input"
        />
      </div>
      <div className="toolbar">
        <span className="small">
          {t('evidence.manifest')}: <strong>{manifest?.name ?? '—'}</strong> ·{' '}
          {t('evidence.clips', { n: clips.length })}
        </span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => (setFiles([]), setResult(null))}>
          {t('evidence.clear')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={!manifest || busy}
          onClick={() => void verify()}
          data-testid="verify-submit"
        >
          {busy ? t('common.loading') : t('evidence.verifyRun')}
        </button>
      </div>
      {error && <div className="form-error">{error}</div>}
      {result && (
        <div className="panel" data-testid="verify-result" data-signature={String(result.signatureValid)}>
          <div
            className={result.signatureValid && result.signedByThisPlatform ? 'text-ok' : 'text-error'}
            data-testid="verify-signature"
          >
            {result.signatureValid
              ? result.signedByThisPlatform
                ? t('evidence.signatureOk')
                : t('evidence.signatureOther')
              : t('evidence.signatureBad')}
          </div>
          <table className="table">
            <thead>
              <tr>
                <th>{t('evidence.file')}</th>
                <th>{t('common.status')}</th>
                <th>{t('evidence.altered')}</th>
              </tr>
            </thead>
            <tbody>
              {result.files.map((f) => (
                <tr key={f.name} data-testid="verify-file" data-intact={String(f.intact)}>
                  <td className="mono">{f.name}</td>
                  <td className={f.intact ? 'text-ok' : 'text-error'}>
                    {f.intact ? t('evidence.intact') : t('evidence.notIntact')}
                    {f.problem && <span className="muted small"> · {f.problem}</span>}
                  </td>
                  <td className="mono small" data-testid="verify-ranges">
                    {(f.alteredRanges ?? []).map((r) => `${r.start}–${r.end}`).join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
