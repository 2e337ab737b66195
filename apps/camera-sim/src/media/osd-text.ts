import { PtzVector } from '../ptz';

/** Cameras show local time; the demo county is in China, as are the console's clocks. */
const OSD_TIME_ZONE = 'Asia/Shanghai';

// sv-SE formats as "2026-11-23 16:52:31", the layout camera OSDs use.
const clockFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: OSD_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

let cached = { second: NaN, text: '' };

/** "2026-11-23 16:52:31" in the OSD time zone; formatted once per second for the whole fleet. */
function osdClock(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== cached.second) cached = { second, text: clockFormat.format(new Date(second * 1000)) };
  return cached.text;
}

const signed = (v: number): string => `${v < 0 ? '-' : '+'}${Math.abs(v).toFixed(2)}`;

/** "P+0.12 T-0.30 Z0.50": pan, tilt and zoom in ONVIF's generic spaces. */
function osdPtz(p: PtzVector): string {
  return `P${signed(p.x)} T${signed(p.y)} Z${p.zoom.toFixed(2)}`;
}

/** The OSD line: the clock, and for a PTZ camera its position. */
export function osdLine(nowMs: number, ptz?: PtzVector): string {
  return ptz ? `${osdClock(nowMs)} ${osdPtz(ptz)}` : osdClock(nowMs);
}
