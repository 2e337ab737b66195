import { useState } from 'react';
import type { EvidenceLockView } from '@xueliang/contracts';
import { locksApi } from '../../api/recording-endpoints';
import { useCameras } from '../../hooks/use-cameras';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime, formatDuration } from '../../i18n/format';
import { Field, FormDialog } from '../common/form';
import { ListStateBox } from '../common/state-box';
import { describeError } from '../playback/evidence-dialogs';

/** 证据锁定: locks in force and released ones; releasing asks for a reason (audited). */
export function LocksList() {
  const { t, locale } = useI18n();
  const locks = useResource(() => locksApi.list(), []);
  const cameras = useCameras();
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  const [releasing, setReleasing] = useState<EvidenceLockView | null>(null);
  const [reason, setReason] = useState('');
  return (
    <div>
      <div className="toolbar">
        <span className="muted small">{t('evidence.locksHint')}</span>
      </div>
      <ListStateBox list={locks}>
        <table className="table" data-testid="locks-table">
          <thead>
            <tr>
              <th>{t('evidence.cameras')}</th>
              <th>{t('evidence.range')}</th>
              <th>{t('evidence.reason')}</th>
              <th>{t('evidence.lockedBy')}</th>
              <th>{t('evidence.expires')}</th>
              <th>{t('common.status')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(locks.data ?? []).map((l) => (
              <tr
                key={l.id}
                data-testid="lock-row"
                data-lock-id={l.id}
                data-released={String(!!l.releasedAt)}
              >
                <td>{l.cameraIds.map((id) => names.get(id) ?? id.slice(0, 8)).join('、')}</td>
                <td className="mono small">
                  {formatDateTime(l.from, locale)} · {formatDuration(Date.parse(l.to) - Date.parse(l.from))}
                </td>
                <td>{l.reason}</td>
                <td>
                  {l.createdByName} <span className="muted small">{formatDateTime(l.createdAt, locale)}</span>
                </td>
                <td className="mono small">
                  {l.expiresAt ? formatDateTime(l.expiresAt, locale) : t('evidence.never')}
                </td>
                <td>
                  {l.releasedAt
                    ? `${t('evidence.released')} · ${l.releasedByName ?? ''} ${formatDateTime(l.releasedAt, locale)}`
                    : t('evidence.inForce')}
                </td>
                <td>
                  {!l.releasedAt && (
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="lock-release"
                      onClick={() => {
                        setReason('');
                        setReleasing(l);
                      }}
                    >
                      {t('evidence.release')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListStateBox>
      {releasing && (
        <FormDialog
          title={t('evidence.release')}
          onClose={() => setReleasing(null)}
          canSubmit={!!reason.trim()}
          submitTestId="lock-release-submit"
          onSubmit={async () => {
            try {
              await locksApi.release(releasing.id, reason.trim());
              setReleasing(null);
              locks.reload();
              return null;
            } catch (err) {
              return describeError(err, t);
            }
          }}
        >
          <div className="form-grid">
            <Field label={t('evidence.reason')}>
              <textarea
                value={reason}
                rows={3}
                maxLength={500}
                onChange={(e) => setReason(e.target.value)}
                data-testid="lock-release-reason"
              />
            </Field>
          </div>
        </FormDialog>
      )}
    </div>
  );
}
