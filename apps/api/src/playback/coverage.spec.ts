import { mergeSpans, perDay, perMinute } from './coverage';

const at = (iso: string) => Date.parse(iso);

describe('coverage per day and per minute', () => {
  it('splits at local midnight of the platform time zone, zero days included', () => {
    // Asia/Shanghai midnight of 12-02 is 2026-12-01T16:00Z.
    const spans = [{ start: at('2026-12-01T15:59:00Z'), end: at('2026-12-01T16:01:00Z') }];
    expect(perDay(spans, at('2026-12-01T00:00:00Z'), at('2026-12-03T00:00:00Z'), 'Asia/Shanghai')).toEqual([
      { date: '2026-12-01', recordedSeconds: 60 },
      { date: '2026-12-02', recordedSeconds: 60 },
      { date: '2026-12-03', recordedSeconds: 0 },
    ]);
  });

  it('handles a day of 23 hours where clocks change', () => {
    // Europe/Berlin springs forward on 2026-03-29: that local day is 23 hours long.
    const day = { start: at('2026-03-28T23:00:00Z'), end: at('2026-03-29T22:00:00Z') };
    expect(perDay([day], at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toEqual([
      { date: '2026-03-29', recordedSeconds: 23 * 3600 },
    ]);
  });

  it('counts seconds per minute, clipped to the range', () => {
    const spans = [
      { start: at('2026-12-01T10:00:30Z'), end: at('2026-12-01T10:01:10Z') },
      { start: at('2026-12-01T10:01:50Z'), end: at('2026-12-01T10:02:00Z') },
    ];
    expect(perMinute(spans, at('2026-12-01T10:00:40Z'), at('2026-12-01T10:02:00Z'))).toEqual([
      { start: '2026-12-01T10:00:00.000Z', recordedSeconds: 20 },
      { start: '2026-12-01T10:01:00.000Z', recordedSeconds: 20 },
    ]);
  });

  it('merges the spans of both streams into their union, touching within the tolerance', () => {
    expect(
      mergeSpans(
        [
          { start: 10_000, end: 20_000 },
          { start: 0, end: 9_500 },
          { start: 15_000, end: 30_000 },
          { start: 32_000, end: 40_000 },
        ],
        1000,
      ),
    ).toEqual([
      { start: 0, end: 30_000 },
      { start: 32_000, end: 40_000 },
    ]);
  });
});
