import type { CoverageDay, TimeSpan } from '@xueliang/contracts';

/** A span in epoch milliseconds, [start, end). */
export interface MsSpan {
  start: number;
  end: number;
}

/** Union of spans (any order): sorted, with spans closer than `toleranceMs` merged. */
export function mergeSpans(spans: MsSpan[], toleranceMs: number): MsSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: MsSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end + toleranceMs) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local calendar fields of an instant in a time zone. */
function localFields(t: number, timeZone: string): { y: number; m: number; d: number; offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return { y: parts.year, m: parts.month, d: parts.day, offsetMs: asUtc - Math.floor(t / 1000) * 1000 };
}

/** The instant local midnight starts on the given local date (normalised: d may overflow). */
function localMidnight(y: number, m: number, d: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - localFields(wall, timeZone).offsetMs;
  guess = wall - localFields(guess, timeZone).offsetMs;
  return guess;
}

function isoDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

/** Milliseconds of `spans` (sorted, disjoint) inside [from, to); `cursor` walks forward across calls. */
function overlapMs(spans: MsSpan[], from: number, to: number, cursor: { i: number }): number {
  while (cursor.i < spans.length && spans[cursor.i].end <= from) cursor.i++;
  let sum = 0;
  for (let i = cursor.i; i < spans.length && spans[i].start < to; i++) {
    sum += Math.max(0, Math.min(spans[i].end, to) - Math.max(spans[i].start, from));
  }
  return sum;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** Seconds recorded per local day (platform time zone) touching [from, to), zero days included. */
export function perDay(spans: MsSpan[], from: number, to: number, timeZone: string): CoverageDay[] {
  const days: CoverageDay[] = [];
  const cursor = { i: 0 };
  let { y, m, d } = localFields(from, timeZone);
  let dayStart = localMidnight(y, m, d, timeZone);
  while (dayStart < to) {
    const next = localMidnight(y, m, d + 1, timeZone);
    const lo = Math.max(dayStart, from);
    const hi = Math.min(next, to);
    days.push({ date: isoDate(y, m, d), recordedSeconds: seconds(overlapMs(spans, lo, hi, cursor)) });
    ({ y, m, d } = localFields(next + 1000, timeZone));
    dayStart = next;
  }
  return days;
}

/** Seconds recorded in each wall-clock minute touching [from, to). */
export function perMinute(
  spans: MsSpan[],
  from: number,
  to: number,
): { start: string; recordedSeconds: number }[] {
  const out: { start: string; recordedSeconds: number }[] = [];
  const cursor = { i: 0 };
  for (let t = Math.floor(from / 60_000) * 60_000; t < to; t += 60_000) {
    const lo = Math.max(t, from);
    const hi = Math.min(t + 60_000, to);
    out.push({
      start: new Date(t).toISOString(),
      recordedSeconds: seconds(overlapMs(spans, lo, hi, cursor)),
    });
  }
  return out;
}

export function toTimeSpan(s: MsSpan): TimeSpan {
  return { start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() };
}
