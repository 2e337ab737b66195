import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportJobView } from '@xueliang/contracts';
import { cameraImportApi } from '../api/endpoints';

/**
 * An import job started by `start` and polled every half second until it is done; the report
 * (every row) arrives with the last poll.
 */
export function useImportJob(): {
  job: ImportJobView | null;
  error: unknown;
  track(start: () => Promise<ImportJobView>): Promise<void>;
  reset(): void;
} {
  const [job, setJob] = useState<ImportJobView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const stop = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => stop, []);

  const poll = useCallback((id: string) => {
    timer.current = setTimeout(() => {
      cameraImportApi.job(id).then(
        (next) => {
          setJob(next);
          if (next.state === 'running') poll(id);
        },
        (err: unknown) => setError(err),
      );
    }, 500);
  }, []);

  const track = useCallback(
    async (start: () => Promise<ImportJobView>) => {
      stop();
      setError(null);
      setJob(null);
      try {
        const started = await start();
        setJob(started);
        poll(started.id);
      } catch (err) {
        setError(err);
      }
    },
    [poll],
  );

  return {
    job,
    error,
    track,
    reset: () => {
      stop();
      setJob(null);
      setError(null);
    },
  };
}
