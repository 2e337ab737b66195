import { useState } from 'react';
import {
  RECORDING_MODES,
  type BulkCameraEdit,
  type BulkCameraEditResult,
  type RecordingMode,
  type RegionView,
} from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';

/**
 * What to do to every ticked camera at once: move to a region, set the recording policy, mute for
 * a while or unmute. Shown above the camera list while any camera is ticked.
 */
export function BulkEditBar({
  count,
  regions,
  onApply,
  onClear,
}: {
  count: number;
  regions: RegionView[];
  onApply(edit: DistributiveOmit<BulkCameraEdit, 'ids'>): Promise<BulkCameraEditResult | string>;
  onClear(): void;
}) {
  const { t } = useI18n();
  const [regionId, setRegionId] = useState('');
  const [mode, setMode] = useState<RecordingMode>('continuous');
  const [days, setDays] = useState(30);
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (edit: DistributiveOmit<BulkCameraEdit, 'ids'>) => {
    setBusy(true);
    const r = await onApply(edit);
    setBusy(false);
    setSaid(typeof r === 'string' ? r : t('bulk.done', { changed: r.changed, missing: r.notFound.length }));
  };

  return (
    <div className="toolbar" data-testid="bulk-bar">
      <strong>{t('bulk.selected', { count })}</strong>
      <select value={regionId} onChange={(e) => setRegionId(e.target.value)} data-testid="bulk-region">
        <option value="">{t('bulk.pickRegion')}</option>
        {regions.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-small"
        disabled={!regionId || busy}
        data-testid="bulk-move"
        onClick={() => void apply({ action: 'move', regionId })}
      >
        {t('bulk.move')}
      </button>
      <select value={mode} onChange={(e) => setMode(e.target.value as RecordingMode)} data-testid="bulk-mode">
        {RECORDING_MODES.map((m) => (
          <option key={m} value={m}>
            {t(`bulk.mode.${m}` as MessageKey)}
          </option>
        ))}
      </select>
      <input
        type="number"
        min={1}
        max={3650}
        value={days}
        aria-label={t('bulk.retentionDays')}
        title={t('bulk.retentionDays')}
        style={{ width: '5em' }}
        onChange={(e) => setDays(Number(e.target.value))}
      />
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        data-testid="bulk-policy"
        onClick={() => void apply({ action: 'recording-policy', policy: { mode, retentionDays: days } })}
      >
        {t('bulk.setPolicy')}
      </button>
      <input
        type="number"
        min={1}
        max={10080}
        value={minutes}
        aria-label={t('mute.minutes')}
        title={t('mute.minutes')}
        style={{ width: '5em' }}
        onChange={(e) => setMinutes(Number(e.target.value))}
      />
      <input
        type="text"
        placeholder={t('mute.reason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        data-testid="bulk-mute-reason"
      />
      <button
        type="button"
        className="btn btn-small"
        disabled={!reason.trim() || busy}
        data-testid="bulk-mute"
        onClick={() => void apply({ action: 'mute', minutes, reason })}
      >
        {t('mute.action')}
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        data-testid="bulk-unmute"
        onClick={() => void apply({ action: 'unmute' })}
      >
        {t('mute.cancel')}
      </button>
      <button type="button" className="btn btn-small" onClick={onClear}>
        {t('bulk.clear')}
      </button>
      {said && (
        <span className="muted" data-testid="bulk-result">
          {said}
        </span>
      )}
    </div>
  );
}

/** Omit over each member of a union (the bulk edit's actions keep their own fields). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
