import { useCallback, useState } from 'react';

/** State persisted in localStorage under `key` (JSON); a changed key reads afresh. */
export function useLocalStorage<T>(key: string, initial: T): [T, (next: T | ((prev: T) => T)) => void] {
  const read = (): T => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  };
  const [state, setState] = useState<{ key: string; value: T }>(() => ({ key, value: read() }));
  const value = state.key === key ? state.value : read();
  const set = useCallback(
    (next: T | ((prev: T) => T)) => {
      setState((prev) => {
        const base = prev.key === key ? prev.value : read();
        const v = typeof next === 'function' ? (next as (p: T) => T)(base) : next;
        localStorage.setItem(key, JSON.stringify(v));
        return { key, value: v };
      });
    },
    [key],
  );
  return [value, set];
}
