import { useRef, useState, type MouseEvent as ReactMouseEvent, type WheelEvent } from 'react';
import { useI18n } from '../../i18n/i18n-provider';
import { formatDateTime, formatTime } from '../../i18n/format';
import {
  fractionOf,
  normaliseRange,
  spansInView,
  ticks,
  timeAt,
  zoomView,
  type Span,
  type TimelineView,
} from './timeline-math';

export interface TimelineLane {
  cameraId: string;
  name: string;
  spans: Span[];
  gaps: (Span & { reason: string })[];
}

export interface TimelineMarker {
  id: string;
  t: number;
  label: string;
  priority: string;
}

/** Pixels the mouse must travel before a press becomes a drag (a selection), not a click (a seek). */
const DRAG_PX = 4;

/**
 * The playback timeline: one coverage lane per camera (recorded spans, gaps with their reason),
 * alert markers, the playhead and the export/lock selection. Click seeks, drag selects, the wheel
 * zooms around the mouse from a whole day down to seconds.
 */
export function Timeline({
  view,
  onView,
  lanes,
  markers,
  playhead,
  selection,
  onSelection,
  onSeek,
  onMarker,
}: {
  view: TimelineView;
  onView(v: TimelineView): void;
  lanes: TimelineLane[];
  markers: TimelineMarker[];
  playhead: number | null;
  selection: Span | null;
  onSelection(s: Span | null): void;
  onSeek(t: number): void;
  onMarker(m: TimelineMarker): void;
}) {
  const { t, locale } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; t0: number; t1: number; moved: boolean } | null>(null);
  const [hover, setHover] = useState<number | null>(null);

  const fractionAt = (clientX: number) => {
    const rect = ref.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
  };

  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    const anchor = timeAt(view, fractionAt(e.clientX));
    if (e.shiftKey) onView({ start: view.start + Math.sign(e.deltaY) * view.span * 0.1, span: view.span });
    else onView(zoomView(view, e.deltaY < 0 ? 1 : -1, anchor));
  };

  const onDown = (e: ReactMouseEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const t0 = timeAt(view, fractionAt(e.clientX));
    setDrag({ x0: e.clientX, t0, t1: t0, moved: false });
  };
  const onMove = (e: ReactMouseEvent<HTMLDivElement>) => {
    const at = timeAt(view, fractionAt(e.clientX));
    setHover(at);
    if (drag) setDrag({ ...drag, t1: at, moved: drag.moved || Math.abs(e.clientX - drag.x0) > DRAG_PX });
  };
  const onUp = () => {
    if (!drag) return;
    if (drag.moved) onSelection(normaliseRange(drag.t0, drag.t1));
    else onSeek(drag.t0);
    setDrag(null);
  };

  const live = drag?.moved ? normaliseRange(drag.t0, drag.t1) : selection;
  const pct = (f: number) => `${(f * 100).toFixed(4)}%`;
  const tickList = ticks(view, 10);
  const withSeconds = view.span <= 30 * 60_000;

  return (
    <div className="timeline" data-testid="timeline" data-view-start={view.start} data-view-span={view.span}>
      <div
        ref={ref}
        className="timeline-body"
        onWheel={onWheel}
        onMouseDown={onDown}
        onMouseMove={onMove}
        onMouseUp={onUp}
        onMouseLeave={() => {
          setHover(null);
          onUp();
        }}
        data-testid="timeline-body"
      >
        <div className="timeline-ticks">
          {tickList.map((k) => (
            <span key={k.t} className="timeline-tick" style={{ left: pct(k.fraction) }}>
              {k.midnight
                ? formatDateTime(new Date(k.t).toISOString(), locale).slice(0, 10)
                : formatTime(new Date(k.t).toISOString(), locale).slice(0, withSeconds ? 8 : 5)}
            </span>
          ))}
        </div>
        <div className="timeline-markers">
          {markers
            .filter((m) => m.t >= view.start && m.t <= view.start + view.span)
            .map((m) => (
              <button
                type="button"
                key={m.id}
                className={`timeline-marker marker-${m.priority}`}
                style={{ left: pct(fractionOf(view, m.t)) }}
                title={`${formatDateTime(new Date(m.t).toISOString(), locale)} · ${m.label}`}
                data-testid="timeline-marker"
                data-alert-id={m.id}
                data-t={m.t}
                onMouseDown={(e) => e.stopPropagation()}
                onClick={(e) => {
                  e.stopPropagation();
                  onMarker(m);
                }}
              />
            ))}
        </div>
        {lanes.map((lane) => (
          <div key={lane.cameraId} className="timeline-lane" data-testid="timeline-lane" title={lane.name}>
            <span className="timeline-lane-name">{lane.name}</span>
            {spansInView(lane.spans, view).map((s, i) => (
              <span
                key={`s${i}`}
                className="timeline-coverage"
                data-testid="timeline-coverage"
                style={{ left: pct(s.left), width: pct(s.width) }}
              />
            ))}
            {lane.gaps
              .filter((g) => g.end > view.start && g.start < view.start + view.span)
              .map((g, i) => {
                const [s] = spansInView([g], view);
                return (
                  <span
                    key={`g${i}`}
                    className="timeline-gap"
                    data-testid="timeline-gap"
                    title={`${t('playback.gap')}: ${g.reason}`}
                    style={{ left: pct(s.left), width: pct(s.width) }}
                  />
                );
              })}
          </div>
        ))}
        {live && (
          <span
            className="timeline-selection"
            data-testid="timeline-selection"
            style={{
              left: pct(Math.max(0, fractionOf(view, live.start))),
              width: pct(Math.min(1, fractionOf(view, live.end)) - Math.max(0, fractionOf(view, live.start))),
            }}
          />
        )}
        {playhead !== null && fractionOf(view, playhead) >= 0 && fractionOf(view, playhead) <= 1 && (
          <span className="timeline-playhead" style={{ left: pct(fractionOf(view, playhead)) }} />
        )}
        {hover !== null && (
          <span className="timeline-hover mono" style={{ left: pct(fractionOf(view, hover)) }}>
            {formatTime(new Date(hover).toISOString(), locale)}
          </span>
        )}
      </div>
    </div>
  );
}
