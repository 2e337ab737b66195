import { useCallback, useState } from 'react';
import type { AlertChangeMessage, AlertView } from '@xueliang/contracts';
import { OPEN_ALERT_STATUSES } from '@xueliang/contracts';
import { alertsApi } from '../api/endpoints';
import { useResource } from './use-resource';
import { useSocketEvent } from './use-socket-event';

/** Open alerts for the map: first page from the api, then the socket adds, moves and removes them. */
export function useOpenAlerts() {
  const res = useResource(() => alertsApi.list({ status: 'open' }, null, 500).then((p) => p.items), []);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const { setData } = res;
  const apply = useCallback(
    (created: boolean) => (m: AlertChangeMessage) => {
      const a = m.alert;
      setData((prev) => {
        const rest = (prev ?? []).filter((x) => x.id !== a.id);
        return OPEN_ALERT_STATUSES.includes(a.status) ? [a, ...rest] : rest;
      });
      if (created) setFresh((prev) => new Set(prev).add(a.id));
    },
    [setData],
  );
  useSocketEvent('alert.created', apply(true));
  useSocketEvent('alert.updated', apply(false));
  useSocketEvent('resync', res.reload);
  return { ...res, alerts: res.data ?? ([] as AlertView[]), fresh };
}
