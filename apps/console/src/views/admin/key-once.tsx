import { useI18n } from '../../i18n/i18n-provider';

/** A just-created integration key, shown this once: the api keeps only its hash. */
export function KeyOnce({ secret, onClose }: { secret: string; onClose(): void }) {
  const { t } = useI18n();
  return (
    <div className="panel" style={{ margin: 12 }} data-testid="key-once">
      <div>{t('admin.keyOnce')}</div>
      <div className="key-once">{secret}</div>
      <button type="button" className="btn btn-small" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}
