import { buildPlaylist, type PlaylistSegment } from './playlist';

const T0 = Date.parse('2026-12-01T02:00:00Z');
const seg = (
  id: string,
  startS: number,
  lengthS: number,
  codec: string | null = 'h264',
): PlaylistSegment => ({
  id,
  start: T0 + startS * 1000,
  end: T0 + (startS + lengthS) * 1000,
  codec,
});

describe('VOD playlist', () => {
  it('lists segments with wall clock, a discontinuity at a hole and an end', () => {
    const text = buildPlaylist([seg('1', 0, 4), seg('2', 4, 4), seg('3', 20, 4.5)], T0);
    expect(text.split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-TARGETDURATION:5',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-01T02:00:00.000Z',
      '#EXTINF:4.000,',
      '1.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-01T02:00:04.000Z',
      '#EXTINF:4.000,',
      '2.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-01T02:00:20.000Z',
      '#EXTINF:4.500,',
      '3.ts',
      '#EXT-X-ENDLIST',
      '',
    ]);
  });

  it('starts the player at `from` inside the first segment', () => {
    const text = buildPlaylist([seg('7', 0, 4)], T0 + 2500);
    expect(text).toContain('#EXT-X-START:TIME-OFFSET=2.500,PRECISE=YES');
  });

  it('marks a codec change as a discontinuity even without a hole', () => {
    const text = buildPlaylist([seg('1', 0, 4, 'h264'), seg('2', 4, 4, 'hevc')], T0);
    expect(text).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-12-01T02:00:04.000Z');
  });

  it('is still a valid, ended playlist when nothing was recorded', () => {
    expect(buildPlaylist([], T0)).toContain('#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0');
    expect(buildPlaylist([], T0).trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('writes every wall clock exactly as Date#toISOString does', () => {
    const segments: PlaylistSegment[] = [];
    let t = Date.parse('2026-12-31T23:59:58.999Z');
    for (let i = 0; i < 500; i++) {
      const length = 1 + ((i * 7919) % 4000);
      segments.push({ id: String(i), start: t, end: t + length, codec: 'h264' });
      t += length + (i % 3) * 13;
    }
    const pdt = buildPlaylist(segments, segments[0].start)
      .split('\n')
      .filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
      .map((l) => l.slice(25));
    expect(pdt).toEqual(segments.map((s) => new Date(s.start).toISOString()));
  });
});
