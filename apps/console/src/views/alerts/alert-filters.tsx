import { forwardRef } from 'react';
import { ALERT_SOURCES, ALERT_STATUSES, ALERT_TYPES, PRIORITIES } from '@xueliang/contracts';
import type { AlertFilter } from '../../api/endpoints';
import { useI18n } from '../../i18n/i18n-provider';
import { EnumSelect } from '../common/form';

/** 'open' is the api's shorthand for every OPEN_ALERT_STATUSES state. */
const STATUS_CHOICES = ['open', ...ALERT_STATUSES] as const;

export const AlertFilters = forwardRef<
  HTMLInputElement,
  { filter: AlertFilter; onChange(next: AlertFilter): void }
>(function AlertFilters({ filter, onChange }, searchRef) {
  const { t } = useI18n();
  const set = (patch: Partial<AlertFilter>) => onChange({ ...filter, ...patch });
  return (
    <>
      <input
        ref={searchRef}
        type="search"
        placeholder={`${t('common.search')} (/)`}
        defaultValue={filter.q ?? ''}
        data-testid="alert-search"
        onKeyDown={(e) => {
          if (e.key === 'Enter') set({ q: (e.target as HTMLInputElement).value || undefined });
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
        onBlur={(e) => set({ q: e.target.value || undefined })}
      />
      <EnumSelect
        values={STATUS_CHOICES}
        prefix="status"
        value={filter.status ?? ''}
        onChange={(status) => set({ status: status || undefined })}
        all={`${t('common.status')}: ${t('common.all')}`}
        testId="filter-status"
      />
      <EnumSelect
        values={PRIORITIES}
        prefix="priority"
        value={filter.priority ?? ''}
        onChange={(priority) => set({ priority: priority || undefined })}
        all={`${t('desk.filter.priority')}: ${t('common.all')}`}
      />
      <EnumSelect
        values={ALERT_TYPES}
        prefix="type"
        value={filter.type ?? ''}
        onChange={(type) => set({ type: type || undefined })}
        all={`${t('desk.filter.type')}: ${t('common.all')}`}
      />
      <EnumSelect
        values={ALERT_SOURCES}
        prefix="source"
        value={filter.source ?? ''}
        onChange={(source) => set({ source: source || undefined })}
        all={`${t('desk.filter.source')}: ${t('common.all')}`}
      />
      <label className="btn-row">
        <input
          type="checkbox"
          checked={!!filter.overdue}
          onChange={(e) => set({ overdue: e.target.checked || undefined })}
        />
        {t('desk.filter.overdue')}
      </label>
      <label className="btn-row">
        <input
          type="checkbox"
          checked={!!filter.assignedToMe}
          onChange={(e) => set({ assignedToMe: e.target.checked || undefined })}
        />
        {t('desk.filter.assignedToMe')}
      </label>
    </>
  );
});
