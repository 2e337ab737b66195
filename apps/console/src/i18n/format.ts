import type { Locale } from './dictionary';

/** Every time on the console is the monitoring centre's wall-clock time, whatever the browser says. */
const TIME_ZONE = 'Asia/Shanghai';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, kind: 'datetime' | 'time' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = { timeZone: TIME_ZONE, hour12: false };
    if (kind !== 'time') Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
    if (kind !== 'date') Object.assign(opts, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    f = new Intl.DateTimeFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : formatter(locale, 'datetime').format(d);
}

export function formatTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : formatter(locale, 'time').format(d);
}

/** "1:05:09" / "4:09" / "2d 3h": compact enough for a list column. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** yyyy-mm-dd of a Date in Asia/Shanghai, for date inputs. */
export function shanghaiDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(d);
}

/** Start of a Shanghai calendar day as an ISO instant (UTC+8, no DST). */
export function shanghaiDayStart(date: string): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}
