import { useMemo } from 'react';
import type { RegionView } from '@xueliang/contracts';
import { regionsApi } from '../api/endpoints';
import { useSession } from '../api/session-provider';
import { useResource } from './use-resource';

export interface RegionIndex {
  list: RegionView[];
  byId: Map<string, RegionView>;
  children: Map<string | null, RegionView[]>;
  roots: RegionView[];
}

let cache: { token: string; promise: Promise<RegionView[]> } | null = null;

/** Regions rarely change during a shift: one fetch per session, shared by every page. */
function loadRegions(token: string, force: boolean): Promise<RegionView[]> {
  if (!cache || cache.token !== token || force) {
    const promise = regionsApi.list();
    cache = { token, promise };
    promise.catch(() => (cache = null));
  }
  return cache.promise;
}

function indexRegions(list: RegionView[]): RegionIndex {
  const byId = new Map(list.map((r) => [r.id, r]));
  const children = new Map<string | null, RegionView[]>();
  for (const r of list) {
    // A region whose parent is outside the user's scope is a root of their tree.
    const parent = r.parentId && byId.has(r.parentId) ? r.parentId : null;
    const arr = children.get(parent) ?? [];
    arr.push(r);
    children.set(parent, arr);
  }
  for (const arr of children.values()) arr.sort((a, b) => a.code.localeCompare(b.code));
  return { list, byId, children, roots: children.get(null) ?? [] };
}

export function useRegions(): { index: RegionIndex; loading: boolean; error: Error | null; reload(): void } {
  const { token } = useSession();
  const res = useResource(() => loadRegions(token ?? '', false), [token]);
  const index = useMemo(() => indexRegions(res.data ?? []), [res.data]);
  return {
    index,
    loading: res.loading,
    error: res.error,
    reload: () => {
      cache = null;
      res.reload();
    },
  };
}
