import { useEffect, useState } from 'react';
import type { AlertView, RecordingCoverage } from '@xueliang/contracts';
import { alertsApi } from '../api/endpoints';
import { recordingsApi } from '../api/recording-endpoints';
import type { TimelineLane, TimelineMarker } from '../views/playback/timeline';
import type { Span } from '../views/playback/timeline-math';

export interface RecordingTimelineData {
  lanes: TimelineLane[];
  markers: TimelineMarker[];
  alerts: AlertView[];
  error: string | null;
}

function laneOf(cameraId: string, name: string, c: RecordingCoverage | null): TimelineLane {
  return {
    cameraId,
    name,
    spans: (c?.spans ?? []).map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) })),
    gaps: (c?.gaps ?? []).map((g) => ({
      start: Date.parse(g.start),
      end: Date.parse(g.end),
      reason: g.reason,
    })),
  };
}

/**
 * Coverage (spans and gaps) and alerts of each camera over `days`; reloaded when the cameras or
 * days change and every `refreshMs` (footage keeps growing at the live edge).
 */
export function useRecordingTimeline(
  cameras: { id: string; name: string }[],
  days: Span,
  refreshMs = 30_000,
): RecordingTimelineData {
  const [data, setData] = useState<RecordingTimelineData>({
    lanes: [],
    markers: [],
    alerts: [],
    error: null,
  });
  const key = `${cameras.map((c) => `${c.id}:${c.name}`).join(',')}|${days.start}|${days.end}`;
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  useEffect(() => {
    let cancelled = false;
    const from = new Date(days.start).toISOString();
    const to = new Date(Math.min(days.end, Date.now() + 60_000)).toISOString();
    void (async () => {
      let error: string | null = null;
      const lanes = await Promise.all(
        cameras.map((c) =>
          recordingsApi.coverage(c.id, from, to).then(
            (cov) => laneOf(c.id, c.name, cov),
            (err: Error) => {
              error = err.message;
              return laneOf(c.id, c.name, null);
            },
          ),
        ),
      );
      const alertLists = await Promise.all(
        cameras.map((c) =>
          alertsApi.list({ cameraId: c.id, from, to }, null, 200).then(
            (p) => p.items,
            () => [] as AlertView[],
          ),
        ),
      );
      if (cancelled) return;
      const alerts = alertLists.flat();
      const markers = alerts.map((a) => ({
        id: a.id,
        t: Date.parse(a.firstSeenAt),
        label: `${a.number} ${a.title}${a.cameraName ? ` · ${a.cameraName}` : ''}`,
        priority: a.priority,
      }));
      setData({ lanes, markers, alerts, error });
    })();
    return () => {
      cancelled = true;
    };
    // `key` stands for the cameras (with their names) and the days.
  }, [key, tick]);

  return data;
}
