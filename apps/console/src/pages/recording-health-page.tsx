import { useState } from 'react';
import type { ChainVerification } from '@xueliang/contracts';
import { recordingsApi } from '../api/recording-endpoints';
import { useResource } from '../hooks/use-resource';
import { useI18n } from '../i18n/i18n-provider';
import { formatDateTime } from '../i18n/format';
import type { MessageKey } from '../i18n/dictionary';
import { StateBox } from '../views/common/state-box';
import { describeError } from '../views/playback/evidence-dialogs';

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(0)} MB`;
  return `${Math.ceil(n / 1024)} KB`;
}

/**
 * 录像存储: per gateway what its recordings directory holds against its quota and water marks;
 * cameras that should record but do not come first, with the reason; a hash-chain check per
 * camera and day.
 */
export function RecordingHealthPage() {
  const { t, locale } = useI18n();
  const health = useResource(() => recordingsApi.health(), [], { pollMs: 15_000 });
  const [chain, setChain] = useState<{ cameraId: string; result?: ChainVerification; error?: string } | null>(
    null,
  );
  const [day, setDay] = useState(() => new Date().toISOString().slice(0, 10));
  const cameras = [...(health.data?.cameras ?? [])].sort(
    (a, b) =>
      Number(a.recording || a.mode === 'off') - Number(b.recording || b.mode === 'off') ||
      a.cameraName.localeCompare(b.cameraName),
  );
  const failing = cameras.filter((c) => c.mode !== 'off' && !c.recording);

  const verify = async (cameraId: string) => {
    setChain({ cameraId });
    try {
      setChain({ cameraId, result: await recordingsApi.verifyChain(cameraId, day) });
    } catch (err) {
      setChain({ cameraId, error: describeError(err, t) });
    }
  };

  return (
    <div className="recording-health" data-testid="recording-health">
      <StateBox loading={health.loading} error={health.error} empty={!health.data} onRetry={health.reload}>
        <h3>{t('storage.gateways')}</h3>
        <table className="table" data-testid="storage-table">
          <thead>
            <tr>
              <th>{t('storage.gateway')}</th>
              <th>{t('storage.used')}</th>
              <th>{t('storage.free')}</th>
              <th>{t('storage.quota')}</th>
              <th>{t('storage.writeRate')}</th>
              <th>{t('storage.cameras')}</th>
              <th>{t('storage.reportedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {(health.data?.storage ?? []).map((s) => {
              const over = s.bytesUsed >= s.highWaterBytes;
              return (
                <tr key={s.gatewayId} data-testid="storage-row">
                  <td className="mono">{s.gatewayId}</td>
                  <td className={over ? 'text-error' : ''}>
                    {bytes(s.bytesUsed)}
                    <span className="progress">
                      <span
                        style={{
                          width: `${Math.min(100, (s.bytesUsed / Math.max(1, s.quotaBytes)) * 100)}%`,
                        }}
                      />
                    </span>
                  </td>
                  <td>
                    {bytes(s.bytesFree)} / {bytes(s.bytesTotal)}
                  </td>
                  <td>
                    {bytes(s.quotaBytes)}{' '}
                    <span className="muted small">
                      ({t('storage.water', { high: bytes(s.highWaterBytes), low: bytes(s.lowWaterBytes) })})
                    </span>
                  </td>
                  <td>{bytes(s.writeBytesPerSecond)}/s</td>
                  <td>{s.recordingCameras}</td>
                  <td className="mono small">{formatDateTime(s.reportedAt, locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <h3>
          {t('storage.cameraList')}{' '}
          <span
            className={failing.length ? 'text-error' : 'text-ok'}
            data-testid="storage-failing"
            data-count={failing.length}
          >
            {t('storage.failing', { n: failing.length })}
          </span>
        </h3>
        <div className="toolbar">
          <span className="small">{t('storage.chainDay')}</span>
          <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
          <span className="muted small">{t('storage.chainHint')}</span>
        </div>
        <table className="table" data-testid="recording-cameras">
          <thead>
            <tr>
              <th>{t('common.name')}</th>
              <th>{t('policy.mode')}</th>
              <th>{t('common.status')}</th>
              <th>{t('storage.retained')}</th>
              <th>{t('storage.used')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {cameras.map((c) => (
              <tr key={c.cameraId} data-testid="recording-camera" data-recording={String(c.recording)}>
                <td>{c.cameraName}</td>
                <td>
                  {t(`policy.mode.${c.mode}` as MessageKey)} · {t(`policy.stream.${c.stream}` as MessageKey)}
                </td>
                <td className={c.mode !== 'off' && !c.recording ? 'text-error' : ''}>
                  {c.recording ? t('storage.recording') : c.mode === 'off' ? '—' : t('storage.notRecording')}
                  {c.reason && <span className="muted small"> · {c.reason}</span>}
                </td>
                <td className="small">
                  {t('storage.days', { n: c.retainedDays })}
                  {c.oldestAt && <span className="muted"> · {formatDateTime(c.oldestAt, locale)}</span>}
                </td>
                <td>{bytes(c.bytes)}</td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => void verify(c.cameraId)}>
                    {t('storage.verifyChain')}
                  </button>
                  {chain?.cameraId === c.cameraId && (
                    <div className="small" data-testid="chain-result">
                      {chain.error ? (
                        <span className="text-error">{chain.error}</span>
                      ) : chain.result ? (
                        chain.result.ok ? (
                          <span className="text-ok">
                            {t('storage.chainOk', { n: chain.result.segments })}
                          </span>
                        ) : (
                          <span className="text-error">
                            {chain.result.problems
                              .slice(0, 5)
                              .map((p) => `${formatDateTime(p.start, locale)} ${p.kind}: ${p.detail}`)
                              .join('; ')}
                          </span>
                        )
                      ) : (
                        t('common.loading')
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </StateBox>
    </div>
  );
}
