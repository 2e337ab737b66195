import { useCallback, useEffect, useState } from 'react';
import type { SaveWall, WallView } from '@xueliang/contracts';
import { api, ApiRequestError } from '../api/client';
import { useLocalStorage } from './use-local-storage';

/**
 * The user's saved walls: PUT/GET /api/walls (camera_walls table). If that api answers 404 (an
 * older server), walls are kept in this browser, keyed by user id, so nothing is lost.
 */
export function useWalls(userId: string) {
  const [local, setLocal] = useLocalStorage<WallView[]>(`xl.walls.${userId}`, []);
  const [remote, setRemote] = useState<WallView[] | null>(null);
  const [fallback, setFallback] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<WallView[]>('/api/walls')
      .then((w) => setRemote(Array.isArray(w) ? w : []))
      .catch((err: unknown) => {
        if (err instanceof ApiRequestError && err.notFound) setFallback(true);
        else setError((err as Error).message);
      });
  }, [userId]);

  const save = useCallback(
    async (id: string, wall: SaveWall) => {
      if (fallback) {
        const view: WallView = { ...wall, id, updatedAt: new Date().toISOString() };
        setLocal((prev) => [view, ...prev.filter((w) => w.id !== id)]);
        return view;
      }
      const view = await api<WallView>(`/api/walls/${id}`, { method: 'PUT', json: wall });
      setRemote((prev) => [view, ...(prev ?? []).filter((w) => w.id !== id)]);
      return view;
    },
    [fallback, setLocal],
  );
  const remove = useCallback(
    async (id: string) => {
      if (fallback) setLocal((prev) => prev.filter((w) => w.id !== id));
      else {
        await api<void>(`/api/walls/${id}`, { method: 'DELETE' });
        setRemote((prev) => (prev ?? []).filter((w) => w.id !== id));
      }
    },
    [fallback, setLocal],
  );
  return { walls: fallback ? local : (remote ?? []), storedLocally: fallback, error, save, remove };
}
