/** One indexed segment as the playlist needs it (times in epoch ms). */
export interface PlaylistSegment {
  id: string;
  start: number;
  end: number;
  codec: string | null;
}

/**
 * A hole longer than this between two segments is a discontinuity: the recorder restarted (its
 * timestamps start over) or nothing was recorded. Back-to-back segments of one ffmpeg run touch
 * to within a frame.
 */
export const DISCONTINUITY_MS = 500;

/**
 * HLS VOD playlist over the segments overlapping [from, to] (sorted by start). Segment URIs are
 * relative ("<id>.ts"): they resolve against the playlist URL, which carries the token in its
 * path, so a day of 4 s segments stays under a megabyte. Every segment has its
 * EXT-X-PROGRAM-DATE-TIME (wall clock from the stream) so a player maps any position to the
 * wall clock, and EXT-X-START makes the player begin at `from` when the first segment starts earlier.
 */
export function buildPlaylist(segments: PlaylistSegment[], fromMs: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-PLAYLIST-TYPE:VOD'];
  let target = 1;
  for (const s of segments) target = Math.max(target, Math.ceil((s.end - s.start) / 1000));
  lines.push(`#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-INDEPENDENT-SEGMENTS');
  const first = segments[0];
  if (first && first.start < fromMs) {
    const offset = Math.min(fromMs, first.end) - first.start;
    lines.push(`#EXT-X-START:TIME-OFFSET=${(offset / 1000).toFixed(3)},PRECISE=YES`);
  }
  let prev: PlaylistSegment | undefined;
  for (const s of segments) {
    if (prev && (s.start - prev.end > DISCONTINUITY_MS || s.codec !== prev.codec)) {
      lines.push('#EXT-X-DISCONTINUITY');
    }
    lines.push(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.start).toISOString()}`,
      `#EXTINF:${(Math.max(0, s.end - s.start) / 1000).toFixed(3)},`,
      `${s.id}.ts`,
    );
    prev = s;
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}
