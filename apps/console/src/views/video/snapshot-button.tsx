import { useEffect, useState } from 'react';
import { fetchBlob, saveBlob } from '../../api/client';
import { useI18n } from '../../i18n/i18n-provider';

/** Snapshots need the bearer header, so they are fetched as a blob rather than linked. */
export function SnapshotButton({ cameraId, cameraName }: { cameraId: string; cameraName?: string }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [blob, setBlob] = useState<Blob | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const take = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const b = await fetchBlob(`/api/cameras/${cameraId}/snapshot`);
      setBlob(b);
      setUrl(URL.createObjectURL(b));
    } catch (err) {
      setFailed((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="snapshot">
      <button
        type="button"
        className="btn btn-small"
        onClick={take}
        disabled={busy}
        data-testid="snapshot-button"
      >
        {t('video.snapshot')}
      </button>
      {failed && <span className="text-error">{`${t('video.snapshotFailed')}: ${failed}`}</span>}
      {url && (
        <a
          href={url}
          onClick={(e) => {
            e.preventDefault();
            if (blob) saveBlob(blob, `${cameraName ?? cameraId}-${Date.now()}.jpg`);
          }}
        >
          <img className="snapshot-img" src={url} alt="snapshot" data-testid="snapshot-img" />
        </a>
      )}
    </div>
  );
}
