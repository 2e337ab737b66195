import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { AlertView, RaiseAlert } from '@xueliang/contracts';
import { alertsApi, type AlertFilter } from '../api/endpoints';
import { useSession, useUser } from '../api/session-provider';
import { useAlertActions } from '../hooks/use-alert-actions';
import { useAlertInbox } from '../hooks/use-alert-inbox';
import { useBeep } from '../hooks/use-beep';
import { useLocalStorage } from '../hooks/use-local-storage';
import { useNow } from '../hooks/use-now';
import { useRegions } from '../hooks/use-regions';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n/i18n-provider';
import { AlertActions, ConflictBanner } from '../views/alerts/alert-actions';
import { AlertFilters } from '../views/alerts/alert-filters';
import { AlertList } from '../views/alerts/alert-list';
import { AlertSummary } from '../views/alerts/alert-summary';
import { HelpOverlay } from '../views/alerts/help-overlay';
import { RaiseDialog } from '../views/alerts/raise-dialog';
import { StateBox } from '../views/common/state-box';
import { availableCommands } from '../alert-commands';

const FILTER_KEYS = [
  'status',
  'priority',
  'type',
  'source',
  'regionId',
  'cameraId',
  'q',
  'assignedToMe',
  'overdue',
] as const;

function filterFromParams(params: URLSearchParams): AlertFilter {
  const f: Record<string, unknown> = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = k === 'assignedToMe' || k === 'overdue' ? v === 'true' : v;
  }
  if (!params.has('status')) f.status = 'open';
  return f;
}

/** The desk: the URL holds the filters, the socket keeps the list live. */
export function AlertsPage() {
  const { t } = useI18n();
  const user = useUser();
  const { hasRole } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const regions = useRegions();
  const now = useNow(1000);
  const beep = useBeep();
  const [muted, setMuted] = useLocalStorage('xl.desk.muted', false);
  const [toast, setToast] = useState<AlertView | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [raising, setRaising] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const toastTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const onArrival = useCallback(
    (a: AlertView) => {
      if (a.priority !== 'high') return;
      if (!muted) beep();
      setToast(a);
      clearTimeout(toastTimer.current);
      toastTimer.current = setTimeout(() => setToast(null), 8000);
    },
    [beep, muted],
  );
  const inbox = useAlertInbox(
    filter,
    { userId: user.id, regionPath: (id) => regions.index.byId.get(id)?.path },
    onArrival,
  );
  const { setConflict, setDialog, runCommand, ...actions } = useAlertActions(inbox.put);
  const alerts = inbox.alerts;
  const selected = alerts.find((a) => a.id === selectedId) ?? null;

  // Stable handlers, so the memoised rows do not all re-render on every desk render.
  const selectRow = useCallback(
    (a: AlertView) => {
      setSelectedId(a.id);
      setConflict(null);
    },
    [setConflict],
  );
  const openRow = useCallback((a: AlertView) => navigate(`/alerts/${a.id}`), [navigate]);

  const move = (delta: number) => {
    if (!alerts.length) return;
    const i = selected ? alerts.indexOf(selected) : -1;
    const next = alerts[Math.max(0, Math.min(alerts.length - 1, i + delta))];
    setSelectedId(next.id);
    setConflict(null);
  };
  useShortcuts({
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    a: () => {
      if (selected && availableCommands(selected, user).includes('ack')) void runCommand(selected, 'ack', {});
    },
    d: () => {
      if (selected && availableCommands(selected, user).includes('dispatch')) setDialog('dispatch');
    },
    Enter: () => selected && navigate(`/alerts/${selected.id}`),
    '/': () => searchRef.current?.focus(),
    '?': () => setHelp((h) => !h),
  });

  const setFilter = (next: AlertFilter) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = next[k];
      if (v !== undefined && v !== '' && v !== false) p.set(k, String(v));
    }
    if (!next.status) p.set('status', '');
    setParams(p, { replace: true });
  };

  const raise = async (body: RaiseAlert): Promise<string | null> => {
    try {
      const a = await alertsApi.raise(body);
      inbox.put(a);
      setSelectedId(a.id);
      setRaising(false);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };

  return (
    <div className="desk">
      <div className="toolbar">
        <strong>{t('desk.title')}</strong>
        <AlertFilters ref={searchRef} filter={filter} onChange={setFilter} />
        <span className="spacer" />
        <span className="muted" data-testid="alert-count">
          {t('desk.count', { n: alerts.length })}
          {inbox.hasMore ? '+' : ''}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setMuted(!muted)}
          data-testid="mute-toggle"
          data-muted={muted}
        >
          {muted ? t('desk.unmute') : t('desk.mute')}
        </button>
        {hasRole('duty_officer', 'dispatcher', 'supervisor') && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setRaising(true)}
            data-testid="raise-alert"
          >
            {t('desk.raise')}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => setHelp(true)} title="?">
          ? {t('desk.help')}
        </button>
      </div>
      <div className="desk-body">
        {inbox.error ? (
          <div className="grow">
            <StateBox error={inbox.error} onRetry={inbox.reload} />
            {inbox.error.notFound && <div className="state-box muted">{t('desk.unavailable')}</div>}
          </div>
        ) : !alerts.length ? (
          <div className="grow">
            <StateBox loading={inbox.loading} empty emptyText={t('desk.noAlerts')} />
          </div>
        ) : (
          <AlertList
            alerts={alerts}
            selectedId={selectedId}
            fresh={inbox.fresh}
            now={now}
            onSelect={selectRow}
            onOpen={openRow}
            onEndReached={inbox.hasMore ? inbox.loadMore : undefined}
          />
        )}
        <aside className="desk-preview" data-testid="alert-preview">
          {selected ? (
            <>
              <ConflictBanner message={actions.conflict} />
              <AlertSummary alert={selected} now={now} />
              <AlertActions alert={selected} user={user} {...actions.actionProps} />
              <Link to={`/alerts/${selected.id}`} data-testid="open-detail">
                {t('help.enter')} ↵
              </Link>
            </>
          ) : (
            <div className="muted small">
              <kbd>j</kbd>/<kbd>k</kbd> · <kbd>?</kbd> {t('desk.help')}
            </div>
          )}
        </aside>
      </div>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      {raising && (
        <RaiseDialog
          regions={regions.index.list}
          defaultRegionId={user.regionId}
          onClose={() => setRaising(false)}
          onSubmit={raise}
        />
      )}
      {toast && (
        <div className="toast" data-testid="new-alert-toast" onClick={() => setSelectedId(toast.id)}>
          {t('desk.newAlert', { title: toast.title })}
        </div>
      )}
    </div>
  );
}
