import type { ReactNode } from 'react';
import type { ApiRequestError } from '../../api/client';
import type { Resource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n/i18n-provider';

/** Loading, error and empty states look the same everywhere, so an operator reads them at a glance. */
export function StateBox({
  loading,
  error,
  empty,
  emptyText,
  onRetry,
  children,
}: {
  loading?: boolean;
  error?: ApiRequestError | Error | null;
  empty?: boolean;
  emptyText?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  if (error) {
    const status = (error as ApiRequestError).status;
    const path = (error as ApiRequestError).path;
    const text =
      status === 404 && path
        ? t('common.notAvailable', { path: path.split('?')[0] })
        : status === 403
          ? t('common.forbidden')
          : status === 0
            ? t('login.network')
            : `${t('common.error')}: ${error.message}`;
    return (
      <div className="state-box state-error" data-testid="state-error" data-status={status}>
        <span>{text}</span>
        {onRetry && (
          <button type="button" className="btn btn-small" onClick={onRetry}>
            {t('common.retry')}
          </button>
        )}
      </div>
    );
  }
  if (loading && empty !== false)
    return (
      <div className="state-box" data-testid="state-loading">
        {t('common.loading')}
      </div>
    );
  if (empty)
    return (
      <div className="state-box state-empty" data-testid="state-empty">
        {emptyText ?? t('common.empty')}
      </div>
    );
  return <>{children}</>;
}

/** StateBox for a loaded list: empty while the list is, retry reloads it. */
export function ListStateBox<T>({ list, children }: { list: Resource<T[]>; children?: ReactNode }) {
  return (
    <StateBox loading={list.loading} error={list.error} empty={!list.data?.length} onRetry={list.reload}>
      {children}
    </StateBox>
  );
}
