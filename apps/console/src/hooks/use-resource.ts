import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiRequestError } from '../api/client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiRequestError | null;
  loading: boolean;
  reload(): void;
  /** Replace the data locally (after a mutation answered with the new value). */
  setData(update: T | ((prev: T | undefined) => T)): void;
}

function asApiError(err: unknown): ApiRequestError {
  return err instanceof ApiRequestError ? err : new ApiRequestError(0, { message: String(err) }, '');
}

/** Loads one thing for a page; re-runs when deps change; the last call wins. */
export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: { pollMs?: number } = {},
): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    loadRef
      .current()
      .then((value) => {
        if (mine !== seq.current) return;
        setDataState(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (mine !== seq.current) return;
        setError(asApiError(err));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [...deps, tick]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = setInterval(() => setTick((n) => n + 1), options.pollMs);
    return () => clearInterval(timer);
  }, [options.pollMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((update: T | ((prev: T | undefined) => T)) => {
    setDataState((prev) =>
      typeof update === 'function' ? (update as (p: T | undefined) => T)(prev) : update,
    );
  }, []);
  return { data, error, loading, reload, setData };
}
