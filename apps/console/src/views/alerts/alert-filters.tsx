import { forwardRef } from 'react';
import { ALERT_SOURCES, ALERT_TYPES, PRIORITIES } from '@xueliang/contracts';
import type { AlertFilter } from '../../api/endpoints';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';

const STATUS_CHOICES = [
  'open',
  'NEW',
  'ACKNOWLEDGED',
  'DISPATCHED',
  'ACCEPTED',
  'ON_SCENE',
  'RESOLVED',
  'CLOSED',
  'DISMISSED',
];

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
      <select
        value={filter.status ?? ''}
        onChange={(e) => set({ status: e.target.value || undefined })}
        data-testid="filter-status"
      >
        <option value="">{`${t('common.status')}: ${t('common.all')}`}</option>
        {STATUS_CHOICES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}` as MessageKey)}
          </option>
        ))}
      </select>
      <select
        value={filter.priority ?? ''}
        onChange={(e) => set({ priority: (e.target.value || undefined) as AlertFilter['priority'] })}
      >
        <option value="">{`${t('desk.filter.priority')}: ${t('common.all')}`}</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {t(`priority.${p}` as MessageKey)}
          </option>
        ))}
      </select>
      <select
        value={filter.type ?? ''}
        onChange={(e) => set({ type: (e.target.value || undefined) as AlertFilter['type'] })}
      >
        <option value="">{`${t('desk.filter.type')}: ${t('common.all')}`}</option>
        {ALERT_TYPES.map((p) => (
          <option key={p} value={p}>
            {t(`type.${p}` as MessageKey)}
          </option>
        ))}
      </select>
      <select
        value={filter.source ?? ''}
        onChange={(e) => set({ source: (e.target.value || undefined) as AlertFilter['source'] })}
      >
        <option value="">{`${t('desk.filter.source')}: ${t('common.all')}`}</option>
        {ALERT_SOURCES.map((p) => (
          <option key={p} value={p}>
            {t(`source.${p}` as MessageKey)}
          </option>
        ))}
      </select>
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
