import { DEFAULT_RECORDING_POLICY } from '@xueliang/contracts';
import { navFor } from '../../apps/console/src/navigation';
import { splitVerifyFiles } from '../../apps/console/src/views/evidence/verify-files';
import {
  mediaToWall,
  wallToMedia,
  type FragmentClock,
} from '../../apps/console/src/views/playback/pdt-clock';
import { preEventRange } from '../../apps/console/src/views/playback/pre-event-range';
import { followerAction, SYNC_DRIFT_S } from '../../apps/console/src/views/playback/sync';
import {
  daysOfView,
  followView,
  fractionOf,
  inSession,
  isCovered,
  localDayStart,
  nextCovered,
  nextSpeed,
  normaliseRange,
  sessionRange,
  spansInView,
  ticks,
  timeAt,
  ZOOM_SPANS_MS,
  zoomView,
} from '../../apps/console/src/views/playback/timeline-math';

/** The playback console's arithmetic without a browser: timeline, PDT clock, sync, windows. */
const T0 = Date.parse('2026-12-01T02:00:00Z'); // 10:00 in Asia/Shanghai
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('timeline zoom and mapping', () => {
  it('zooms from a day down to seconds and back, one level per step, clamped at both ends', () => {
    let view = { start: T0, span: 24 * HOUR };
    for (let i = 0; i < 20; i++) view = zoomView(view, 1, T0 + 12 * HOUR);
    expect(view.span).toBe(30_000);
    for (let i = 0; i < 20; i++) view = zoomView(view, -1, T0);
    expect(view.span).toBe(24 * HOUR);
    expect(ZOOM_SPANS_MS[0]).toBe(24 * HOUR);
  });

  it('keeps the anchor (the time under the mouse) where it was on screen', () => {
    const view = { start: T0, span: HOUR };
    const anchor = T0 + 15 * MIN; // a quarter across
    const zoomed = zoomView(view, 1, anchor);
    expect(zoomed.span).toBe(30 * MIN);
    expect(fractionOf(zoomed, anchor)).toBeCloseTo(0.25, 6);
  });

  it('maps a click to a whole second and back', () => {
    const view = { start: T0, span: 10 * MIN };
    expect(timeAt(view, 0.5)).toBe(T0 + 5 * MIN);
    expect(timeAt(view, 0.50001) % 1000).toBe(0);
    expect(fractionOf(view, T0 + 5 * MIN)).toBe(0.5);
  });

  it('follows the playhead only when it leaves the middle of the view', () => {
    const view = { start: T0, span: HOUR };
    expect(followView(view, T0 + 30 * MIN)).toBe(view);
    const moved = followView(view, T0 + 59 * MIN);
    expect(moved.span).toBe(HOUR);
    expect(fractionOf(moved, T0 + 59 * MIN)).toBeCloseTo(0.5, 6);
  });

  it('puts ticks on local (UTC+8) boundaries and flags local midnight', () => {
    const day = { start: localDayStart(T0), span: 24 * HOUR };
    const list = ticks(day, 10);
    expect(list.length).toBeGreaterThan(3);
    expect(list.length).toBeLessThanOrEqual(11);
    expect(list[0].midnight).toBe(true);
    expect(new Date(list[0].t).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    const seconds = ticks({ start: T0 + 123, span: 30_000 }, 10);
    expect(seconds.every((k) => k.t % 5000 === 0)).toBe(true);
  });

  it('clips coverage spans to the view', () => {
    const view = { start: T0, span: 10 * MIN };
    const parts = spansInView(
      [
        { start: T0 - MIN, end: T0 + MIN },
        { start: T0 + 5 * MIN, end: T0 + 20 * MIN },
        { start: T0 + 30 * MIN, end: T0 + 40 * MIN },
      ],
      view,
    );
    expect(parts).toEqual([
      { left: 0, width: 0.1 },
      { left: 0.5, width: 0.5 },
    ]);
  });

  it('knows what is recorded and where footage resumes after a gap', () => {
    const spans = [
      { start: T0, end: T0 + MIN },
      { start: T0 + 2 * MIN, end: T0 + 3 * MIN },
    ];
    expect(isCovered(spans, T0 + 30_000)).toBe(true);
    expect(isCovered(spans, T0 + 90_000)).toBe(false);
    expect(nextCovered(spans, T0 + 90_000)).toBe(T0 + 2 * MIN);
    expect(nextCovered(spans, T0 + 10 * MIN)).toBeNull();
  });

  it('fetches whole local days for a view', () => {
    const days = daysOfView({ start: T0, span: HOUR });
    expect(new Date(days.start).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(days.end - days.start).toBe(24 * HOUR);
    const across = daysOfView({ start: localDayStart(T0) - HOUR, span: 2 * HOUR });
    expect(across.end - across.start).toBe(48 * HOUR);
  });

  it('orders a selection and ignores a slip of the mouse', () => {
    expect(normaliseRange(T0 + 5000, T0)).toEqual({ start: T0, end: T0 + 5000 });
    expect(normaliseRange(T0, T0 + 400)).toBeNull();
  });
});

describe('playback sessions and speed', () => {
  it('asks for a window around the moment, never past now, never empty', () => {
    expect(sessionRange(T0, T0 + 2 * HOUR)).toEqual({ start: T0 - 30 * MIN, end: T0 + 30 * MIN });
    const nearNow = sessionRange(T0, T0 + 10_000);
    expect(nearNow.end).toBe(T0 + 10_000);
    const atNow = sessionRange(T0 + 10_000, T0 + 10_000);
    expect(atNow.end - atNow.start).toBeGreaterThanOrEqual(5000);
    expect(inSession(nearNow, T0)).toBe(true);
    expect(inSession(nearNow, T0 + 10_000)).toBe(false);
    expect(inSession(null, T0)).toBe(false);
  });

  it('steps speed through 0.5× … 8× and stops at the ends', () => {
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(8, 1)).toBe(8);
    expect(nextSpeed(1, -1)).toBe(0.5);
    expect(nextSpeed(0.5, -1)).toBe(0.5);
    expect(nextSpeed(3, -1)).toBe(2);
  });
});

/** Three 4 s segments from T0, a 60 s gap, then two more (a DISCONTINUITY between them). */
const FRAGS: FragmentClock[] = [
  { start: 0, duration: 4, pdt: T0 },
  { start: 4, duration: 4, pdt: T0 + 4000 },
  { start: 8, duration: 4, pdt: T0 + 8000 },
  { start: 12, duration: 4, pdt: T0 + 72_000 },
  { start: 16, duration: 4, pdt: T0 + 76_000 },
];

describe('PROGRAM-DATE-TIME clock', () => {
  it('gives the wall clock of any media time, across a discontinuity', () => {
    expect(mediaToWall(FRAGS, 0)).toBe(T0);
    expect(mediaToWall(FRAGS, 5.5)).toBe(T0 + 5500);
    expect(mediaToWall(FRAGS, 13)).toBe(T0 + 73_000);
    expect(mediaToWall(FRAGS, 20)).toBe(T0 + 80_000);
    expect(mediaToWall(FRAGS, 30)).toBeNull();
    expect(mediaToWall([], 1)).toBeNull();
  });

  it('finds the media time of a wall clock; a gap resumes at the next segment', () => {
    expect(wallToMedia(FRAGS, T0 + 6000)).toEqual({ media: 6, exact: true });
    expect(wallToMedia(FRAGS, T0 + 74_500)).toEqual({ media: 14.5, exact: true });
    expect(wallToMedia(FRAGS, T0 + 30_000)).toEqual({ media: 12, exact: false });
    expect(wallToMedia(FRAGS, T0 - 5000)).toEqual({ media: 0, exact: false });
    expect(wallToMedia(FRAGS, T0 + 90_000)).toBeNull();
  });

  it('round-trips inside recorded footage', () => {
    for (const media of [0.04, 3.96, 9.2, 12, 19.5]) {
      expect(wallToMedia(FRAGS, mediaToWall(FRAGS, media)!)!.media).toBeCloseTo(media, 6);
    }
  });
});

describe('synchronised playback follows the master by wall clock', () => {
  // A follower whose recording started 2 s after the master's: same wall clock, other media time.
  const follower: FragmentClock[] = FRAGS.map((f) => ({ ...f, pdt: f.pdt + 2000 }));

  it('leaves a follower alone inside the drift tolerance', () => {
    const wall = T0 + 6000;
    const media = wallToMedia(follower, wall)!.media;
    expect(
      followerAction(wall, false, { media: media + SYNC_DRIFT_S / 2, paused: false, frags: follower }),
    ).toEqual({
      kind: 'none',
    });
  });

  it('seeks a follower that drifted, and keeps it playing while the master plays', () => {
    const wall = T0 + 6000;
    expect(followerAction(wall, false, { media: 0, paused: false, frags: follower })).toEqual({
      kind: 'seek',
      media: 4,
      play: true,
    });
  });

  it('pauses and plays with the master', () => {
    const wall = T0 + 6000;
    const media = wallToMedia(follower, wall)!.media;
    expect(followerAction(wall, true, { media, paused: false, frags: follower })).toEqual({ kind: 'pause' });
    expect(followerAction(wall, false, { media, paused: true, frags: follower })).toEqual({ kind: 'play' });
  });

  it('waits paused where it recorded nothing at the master time', () => {
    const inGap = T0 + 40_000;
    expect(followerAction(inGap, false, { media: 10, paused: false, frags: follower })).toEqual({
      kind: 'pause',
    });
    expect(followerAction(inGap, false, { media: 10, paused: true, frags: follower })).toEqual({
      kind: 'gap',
    });
    expect(followerAction(null, false, { media: 10, paused: true, frags: follower })).toEqual({
      kind: 'none',
    });
  });
});

describe('alert footage window', () => {
  it('runs from pre-event seconds before the first event to post-event seconds after', () => {
    const first = '2026-12-01T02:00:00.000Z';
    expect(preEventRange(first, DEFAULT_RECORDING_POLICY, T0 + HOUR)).toEqual({
      from: T0 - 10_000,
      to: T0 + 30_000,
    });
  });

  it('stops at now for a fresh alert, and is never empty', () => {
    const first = '2026-12-01T02:00:00.000Z';
    expect(preEventRange(first, { preEventSeconds: 20, postEventSeconds: 60 }, T0 + 5000).to).toBe(T0 + 5000);
    const r = preEventRange(first, { preEventSeconds: 0, postEventSeconds: 0 }, T0);
    expect(r.to - r.from).toBe(1000);
  });
});

describe('recording navigation and verify files', () => {
  const paths = (...roles: string[]) => navFor(roles).map((n) => n.path);
  it('shows each role only the recording pages it can use', () => {
    expect(paths('duty_officer')).toEqual(expect.arrayContaining(['/playback', '/evidence']));
    expect(paths('duty_officer')).not.toContain('/recordings');
    expect(paths('technician')).toEqual(expect.arrayContaining(['/playback', '/recordings']));
    expect(paths('technician')).not.toContain('/evidence');
    expect(paths('admin')).toEqual(expect.arrayContaining(['/evidence', '/recordings']));
    expect(paths('admin')).not.toContain('/playback');
    expect(paths('responder')).not.toEqual(expect.arrayContaining(['/playback']));
  });

  it('takes the .json as the manifest and the rest as clips', () => {
    const files = [{ name: 'cam-1.mp4' }, { name: 'manifest.json' }, { name: 'cam-2.mp4' }];
    const { manifest, clips } = splitVerifyFiles(files);
    expect(manifest?.name).toBe('manifest.json');
    expect(clips.map((f) => f.name)).toEqual(['cam-1.mp4', 'cam-2.mp4']);
    expect(splitVerifyFiles([{ name: 'a.mp4' }]).manifest).toBeNull();
  });
});
