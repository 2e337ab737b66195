import { useCallback } from 'react';
import type { CameraView } from '@xueliang/contracts';
import { camerasApi } from '../api/endpoints';
import { useResource } from './use-resource';
import { useSocketEvent } from './use-socket-event';

/** Cameras in the user's scope, kept current by camera.status pushes. */
export function useCameras(query?: Record<string, string | undefined>) {
  const key = JSON.stringify(query ?? {});
  const res = useResource(() => camerasApi.list(query), [key]);
  const { setData } = res;
  const onStatus = useCallback(
    (m: { cameraId: string; status: CameraView['status']; reason: string | null; at: string }) => {
      setData((prev) =>
        (prev ?? []).map((c) =>
          c.id === m.cameraId
            ? {
                ...c,
                status: m.status,
                statusReason: m.reason,
                lastSeenAt: m.status === 'online' ? m.at : c.lastSeenAt,
              }
            : c,
        ),
      );
    },
    [setData],
  );
  useSocketEvent('camera.status', onStatus);
  return res;
}
