/**
 * Media time ↔ wall clock for a VOD playlist with EXT-X-PROGRAM-DATE-TIME on its segments.
 * hls.js lays the segments end to end on the media timeline (a recorded gap takes no media time),
 * so the wall clock of a picture is its segment's PROGRAM-DATE-TIME plus the offset into it.
 */
export interface FragmentClock {
  /** Media time the segment starts at, seconds. */
  start: number;
  /** Seconds. */
  duration: number;
  /** Wall clock of its first frame, epoch ms. */
  pdt: number;
}

/** The wall clock shown at media time `t`, null outside the playlist. */
export function mediaToWall(frags: readonly FragmentClock[], t: number): number | null {
  if (!frags.length) return null;
  for (let i = 0; i < frags.length; i++) {
    const f = frags[i];
    const last = i === frags.length - 1;
    if (t >= f.start && (t < f.start + f.duration || (last && t <= f.start + f.duration + 0.5))) {
      return f.pdt + (t - f.start) * 1000;
    }
  }
  // Before the first segment (a fraction of a second of rounding): its start.
  return t < frags[0].start ? frags[0].pdt : null;
}

export interface MediaTarget {
  media: number;
  /** false: `wall` fell in a gap (or before the first segment) and `media` is where footage resumes. */
  exact: boolean;
}

/** Where to seek to show the wall clock `wall`; null when it is after the last segment. */
export function wallToMedia(frags: readonly FragmentClock[], wall: number): MediaTarget | null {
  let next: FragmentClock | null = null;
  for (const f of frags) {
    const end = f.pdt + f.duration * 1000;
    if (wall >= f.pdt && wall < end) return { media: f.start + (wall - f.pdt) / 1000, exact: true };
    if (f.pdt > wall && (!next || f.pdt < next.pdt)) next = f;
  }
  return next ? { media: next.start, exact: false } : null;
}
