import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertChangeMessage, AlertOverdueMessage, AlertStatus, AlertView } from '@xueliang/contracts';
import { OPEN_ALERT_STATUSES } from '@xueliang/contracts';
import { mergePushedAlert, pushedAlert } from '../alert-changes';
import { ApiRequestError } from '../api/client';
import { alertsApi, type AlertFilter } from '../api/endpoints';
import { useSocketEvent } from './use-socket-event';

export interface InboxContext {
  userId: string;
  /** Path of a region id, to tell whether a pushed alert falls under the region filter. */
  regionPath(id: string): string | undefined;
}

const PAGE = 500;
/** The desk pages in the background up to this many alerts, so counts and j/k cover the shift's backlog. */
const AUTO_PAGE_LIMIT = 10_000;
/** While the alerts api has not landed (404), try again this often. */
const UNAVAILABLE_RETRY_MS = 15_000;

function statusSet(status: string | undefined): Set<AlertStatus> | null {
  if (!status) return null;
  if (status === 'open') return new Set(OPEN_ALERT_STATUSES);
  return new Set(status.split(',') as AlertStatus[]);
}

/** Does a pushed alert belong in a list fetched with `filter`? Mirrors the api's query. */
function matchesFilter(a: AlertView, f: AlertFilter, ctx: InboxContext, now = Date.now()): boolean {
  const statuses = statusSet(f.status);
  if (statuses && !statuses.has(a.status)) return false;
  if (f.priority && a.priority !== f.priority) return false;
  if (f.type && a.type !== f.type) return false;
  if (f.source && a.source !== f.source) return false;
  if (f.cameraId && a.cameraId !== f.cameraId) return false;
  if (f.assignedToMe && a.assignedUserId !== ctx.userId) return false;
  if (f.overdue && !(a.overdueStages?.length > 0)) return false;
  if (f.regionId) {
    const path = ctx.regionPath(f.regionId);
    if (path && !a.regionPath.startsWith(path)) return false;
  }
  if (f.from && a.firstSeenAt < f.from) return false;
  if (f.to && a.firstSeenAt > f.to) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = `${a.number} ${a.title} ${a.description} ${a.regionName} ${a.cameraName ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  void now;
  return true;
}

function byNewest(a: AlertView, b: AlertView): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1;
}

export interface Inbox {
  alerts: AlertView[];
  loading: boolean;
  error: ApiRequestError | null;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
  /** Alerts that arrived live during this view (highlighted). */
  fresh: ReadonlySet<string>;
  /** Replace one alert after a command answered with it. */
  put(alert: AlertView): void;
}

/**
 * The desk's live inbox: pages from the api, then socket changes merged in by version.
 * `onArrival` hears every alert created live that matches the filter (sound, toast).
 */
export function useAlertInbox(
  filter: AlertFilter,
  ctx: InboxContext,
  onArrival?: (alert: AlertView) => void,
): Inbox {
  const [byId, setById] = useState<ReadonlyMap<string, AlertView>>(new Map());
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [generation, setGeneration] = useState(0);
  const filterKey = JSON.stringify(filter);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;
  const arrivalRef = useRef(onArrival);
  arrivalRef.current = onArrival;
  const seq = useRef(0);
  const fetched = useRef(0);

  const fetchPage = useCallback(async (after: string | null, mine: number): Promise<void> => {
    setLoading(true);
    try {
      const page = await alertsApi.list(filterRef.current, after, PAGE);
      if (mine !== seq.current) return;
      fetched.current = (after ? fetched.current : 0) + page.items.length;
      setById((prev) => {
        const next = after ? new Map(prev) : new Map<string, AlertView>();
        for (const a of page.items) {
          const have = next.get(a.id);
          if (!have || have.version <= a.version) next.set(a.id, a);
        }
        return next;
      });
      setCursor(page.nextCursor);
      setError(null);
      // Keep reading pages while the backlog is under the limit; the list is virtualised.
      if (page.nextCursor && page.items.length && fetched.current < AUTO_PAGE_LIMIT) {
        setTimeout(() => {
          if (mine === seq.current) void fetchPage(page.nextCursor, mine);
        }, 0);
        return;
      }
    } catch (err) {
      if (mine !== seq.current) return;
      setError(err instanceof ApiRequestError ? err : new ApiRequestError(0, { message: String(err) }, ''));
    }
    if (mine === seq.current) setLoading(false);
  }, []);

  useEffect(() => {
    const mine = ++seq.current;
    setFresh(new Set());
    void fetchPage(null, mine);
  }, [filterKey, generation, fetchPage]);

  // The api may not be there yet: keep knocking quietly.
  useEffect(() => {
    if (!error?.notFound && error?.status !== 0) return;
    const timer = setTimeout(() => setGeneration((g) => g + 1), UNAVAILABLE_RETRY_MS);
    return () => clearTimeout(timer);
  }, [error]);

  const merge = useCallback((created: boolean) => {
    return (m: AlertChangeMessage | AlertOverdueMessage) => {
      const a = pushedAlert(m);
      const matches = matchesFilter(a, filterRef.current, ctxRef.current);
      setById((prev) => mergePushedAlert(prev, a, matches));
      if (created && matches) {
        setFresh((prev) => new Set(prev).add(a.id));
        arrivalRef.current?.(a);
      }
    };
  }, []);
  useSocketEvent('alert.created', merge(true));
  useSocketEvent('alert.updated', merge(false));
  // The overdue badge shows the moment a deadline is missed, whichever push arrives first.
  useSocketEvent('alert.overdue', merge(false));
  useSocketEvent('resync', () => setGeneration((g) => g + 1));

  const alerts = useMemo(() => [...byId.values()].sort(byNewest), [byId]);
  const put = useCallback((a: AlertView) => {
    const matches = matchesFilter(a, filterRef.current, ctxRef.current);
    setById((prev) => {
      const next = new Map(prev);
      if (matches) next.set(a.id, a);
      else next.delete(a.id);
      return next;
    });
  }, []);
  return {
    alerts,
    loading,
    error,
    hasMore: !!cursor,
    loadMore: () => {
      if (cursor && !loading) void fetchPage(cursor, seq.current);
    },
    reload: () => setGeneration((g) => g + 1),
    fresh,
    put,
  };
}
