/**
 * The playback timeline's arithmetic, kept free of React and the DOM so it is unit-tested
 * (test/console/playback-logic.spec.ts). Every time is epoch milliseconds; a view is the window
 * of wall-clock time the timeline shows.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** From a whole day down to half a minute, where one pixel is well under a second. */
export const ZOOM_SPANS_MS = [
  24 * HOUR,
  12 * HOUR,
  6 * HOUR,
  3 * HOUR,
  HOUR,
  30 * MINUTE,
  10 * MINUTE,
  5 * MINUTE,
  2 * MINUTE,
  MINUTE,
  30 * SECOND,
] as const;

/** The monitoring centre's offset from UTC (Asia/Shanghai has no daylight saving). */
export const LOCAL_OFFSET_MS = 8 * HOUR;

export interface TimelineView {
  start: number;
  span: number;
}

export interface Span {
  start: number;
  end: number;
}

/** The zoom level whose span is closest to `span`. */
export function zoomLevelOf(span: number): number {
  let best = 0;
  for (let i = 0; i < ZOOM_SPANS_MS.length; i++) {
    if (Math.abs(ZOOM_SPANS_MS[i] - span) < Math.abs(ZOOM_SPANS_MS[best] - span)) best = i;
  }
  return best;
}

/**
 * Zooms in (delta > 0) or out (delta < 0) by whole levels, keeping `anchor` (the time under the
 * mouse, or the playhead) at the same place on the screen.
 */
export function zoomView(view: TimelineView, delta: number, anchor: number): TimelineView {
  const level = Math.min(ZOOM_SPANS_MS.length - 1, Math.max(0, zoomLevelOf(view.span) + delta));
  const span = ZOOM_SPANS_MS[level];
  const fraction = view.span > 0 ? (anchor - view.start) / view.span : 0.5;
  const f = Math.min(1, Math.max(0, fraction));
  return { start: Math.round(anchor - f * span), span };
}

/** Moves the view so `t` is inside it, with a margin of a tenth of the span; unchanged if it is. */
export function followView(view: TimelineView, t: number): TimelineView {
  const margin = view.span / 10;
  if (t >= view.start + margin && t <= view.start + view.span - margin) return view;
  return { start: Math.round(t - view.span / 2), span: view.span };
}

/** A view of `span` centred on `t`. */
export function viewAround(t: number, span: number): TimelineView {
  return { start: Math.round(t - span / 2), span };
}

/** 0..1 across the view (outside it: below 0 or above 1). */
export function fractionOf(view: TimelineView, t: number): number {
  return (t - view.start) / view.span;
}

/** The wall-clock time at a fraction of the view, rounded to the whole second. */
export function timeAt(view: TimelineView, fraction: number): number {
  return Math.round((view.start + fraction * view.span) / SECOND) * SECOND;
}

const TICK_STEPS_MS = [
  SECOND,
  5 * SECOND,
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
];

export interface Tick {
  t: number;
  fraction: number;
  /** Labelled with a date as well (local midnight). */
  midnight: boolean;
}

/** Tick marks on local-time boundaries, at most about `maxTicks` of them. */
export function ticks(view: TimelineView, maxTicks = 12): Tick[] {
  const step = TICK_STEPS_MS.find((s) => view.span / s <= maxTicks) ?? 6 * HOUR;
  const localStart = view.start + LOCAL_OFFSET_MS;
  let t = Math.ceil(localStart / step) * step - LOCAL_OFFSET_MS;
  const out: Tick[] = [];
  while (t <= view.start + view.span) {
    out.push({ t, fraction: fractionOf(view, t), midnight: (t + LOCAL_OFFSET_MS) % (24 * HOUR) === 0 });
    t += step;
  }
  return out;
}

/** Parts of `spans` inside the view as left/width fractions (clipped to 0..1). */
export function spansInView(spans: readonly Span[], view: TimelineView): { left: number; width: number }[] {
  const end = view.start + view.span;
  const out: { left: number; width: number }[] = [];
  for (const s of spans) {
    if (s.end <= view.start || s.start >= end) continue;
    const a = Math.max(s.start, view.start);
    const b = Math.min(s.end, end);
    out.push({ left: fractionOf(view, a), width: (b - a) / view.span });
  }
  return out;
}

/** Whether `t` falls inside a recorded span. */
export function isCovered(spans: readonly Span[], t: number): boolean {
  return spans.some((s) => t >= s.start && t < s.end);
}

/** `t` if it is recorded, else the start of the next recorded span, else null. */
export function nextCovered(spans: readonly Span[], t: number): number | null {
  let best: number | null = null;
  for (const s of spans) {
    if (t >= s.start && t < s.end) return t;
    if (s.start > t && (best === null || s.start < best)) best = s.start;
  }
  return best;
}

/** A selection from two points in either order, or null when it is shorter than a second. */
export function normaliseRange(a: number, b: number): Span | null {
  const start = Math.min(a, b);
  const end = Math.max(a, b);
  return end - start >= SECOND ? { start, end } : null;
}

/**
 * The range a playback session is asked for around `t`: up to `before` ms before and `after` ms
 * after, never past `now` (what is not recorded yet is not in the playlist) and always at least
 * a few seconds long.
 */
export function sessionRange(t: number, now: number, before = 30 * MINUTE, after = 30 * MINUTE): Span {
  const end = Math.min(t + after, now);
  const start = Math.min(t - before, end - 5 * SECOND);
  return { start, end };
}

/** Whether `t` can be played in a session of `range` without asking for a new one. */
export function inSession(range: Span | null, t: number): boolean {
  return !!range && t >= range.start && t < range.end - SECOND;
}

/** The playback speeds offered, slowest first; [ and ] step through them. */
export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

export function nextSpeed(current: number, direction: 1 | -1): number {
  const i = SPEEDS.findIndex((s) => s >= current);
  const at = i < 0 ? SPEEDS.length - 1 : i;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + direction))];
}

const DAY = 24 * HOUR;

/** Start of the local (Asia/Shanghai) calendar day holding `t`. */
export function localDayStart(t: number): number {
  return Math.floor((t + LOCAL_OFFSET_MS) / DAY) * DAY - LOCAL_OFFSET_MS;
}

/**
 * The whole local days the view touches: coverage and alerts are fetched per day, so panning
 * and zooming inside a day asks the api nothing new.
 */
export function daysOfView(view: TimelineView): Span {
  const start = localDayStart(view.start);
  const end = localDayStart(view.start + view.span - 1) + DAY;
  return { start, end };
}
