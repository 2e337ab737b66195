import { argvOf } from '../../streams/ffmpeg-args';
import { buildRecordCommand, parseSegmentList } from './record-args';
import { chainDay, finalPath } from './segment-index';
import { trimTruncated } from './ts-reader';
import { parseStatsTime, WallClockAnchor } from './wall-clock';

describe('recording command', () => {
  it('copies RTSP over TCP into keyframe-cut MPEG-TS segments with a CSV list', () => {
    const argv = argvOf(
      buildRecordCommand({
        inputUrl: 'rtsp://u:p@cam/sub',
        runDir: '/r/run',
        segmentSeconds: 4,
        rtspTimeoutMs: 5000,
      }),
    );
    const joined = argv.join(' ');
    expect(joined).toContain('-rtsp_transport tcp');
    expect(joined).toContain('-c:v copy');
    expect(joined).toContain('-f segment -segment_format mpegts -segment_time 4');
    expect(joined).toContain('-segment_list /r/run/segments.csv -segment_list_type csv');
    expect(joined).toContain('-reset_timestamps 0');
    expect(argv.at(-1)).toBe('/r/run/seg%06d.ts');
  });

  it('reads only complete, well-formed list lines', () => {
    const text =
      'seg000000.ts,0.000000,2.000000\n"seg000001.ts",2.000000,4.000000\n../evil.ts,1,2\nseg000002.ts,4.0';
    expect(parseSegmentList(text)).toEqual([
      { file: 'seg000000.ts', start: 0, end: 2 },
      { file: 'seg000001.ts', start: 2, end: 4 },
    ]);
  });
});

describe('wall clock from the progress line', () => {
  it('parses time= and ignores N/A and negative times', () => {
    expect(parseStatsTime('frame=  30 fps= 15 q=-1.0 size=N/A time=00:01:02.50 bitrate=N/A speed=1x')).toBe(
      62.5,
    );
    expect(parseStatsTime('frame=0 time=N/A')).toBeUndefined();
    expect(parseStatsTime('time=-00:00:00.03')).toBeUndefined();
    expect(parseStatsTime('Input #0, rtsp')).toBeUndefined();
  });

  it('keeps the smallest offset over its window: late samples never move it later', () => {
    const a = new WallClockAnchor(10_000);
    expect(a.wallMs(1)).toBeUndefined();
    a.sample(1000, 0);
    a.sample(900, 500);
    a.sample(1300, 1000);
    expect(a.offsetMs).toBe(900);
    expect(a.wallMs(2)).toBe(2900);
    expect(a.settled()).toBe(false);
    a.sample(950, 1500);
    expect(a.settled()).toBe(true);
    // The 900 sample leaves the window: a drifting camera clock is followed.
    a.sample(1200, 11_000);
    expect(a.offsetMs).toBe(950);
  });

  it('is settled at once when seeded from a dead run', () => {
    const a = new WallClockAnchor();
    a.seed(42);
    expect(a.settled()).toBe(true);
    expect(a.wallMs(1)).toBe(1042);
  });
});

describe('segment layout', () => {
  it('names a segment by camera, stream, UTC day and start', () => {
    const ms = Date.UTC(2026, 0, 2, 23, 59, 59, 500);
    expect(chainDay(ms)).toBe('2026-01-02');
    expect(finalPath('cam', 'sub', ms)).toBe(`cam/sub/2026-01-02/${ms}.ts`);
  });
});

describe('truncated segment trimming', () => {
  /** A minimal TS: PES packets of one video PID with PTS every 1/15 s. */
  function ts(frames: number): Buffer {
    const packets: Buffer[] = [];
    for (let i = 0; i < frames; i++) {
      const p = Buffer.alloc(188, 0xff);
      p[0] = 0x47;
      p[1] = 0x40 | 0x01; // PUSI, PID 0x100
      p[2] = 0x00;
      p[3] = 0x10; // payload only
      const pts = 126_000 + i * 6000;
      p.set([0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5], 4);
      p[13] = 0x21 | ((Math.floor(pts / 2 ** 30) & 0x07) << 1);
      p.writeUInt16BE((((pts >> 15) & 0x7fff) << 1) | 1, 14);
      p.writeUInt16BE(((pts & 0x7fff) << 1) | 1, 16);
      packets.push(p);
    }
    return Buffer.concat(packets);
  }

  it('cuts a partial packet and the possibly incomplete last frame', () => {
    const whole = ts(30);
    const torn = Buffer.concat([whole, Buffer.alloc(100, 0x47)]);
    const trimmed = trimTruncated(torn, 0.5)!;
    expect(trimmed.length).toBe(29 * 188);
  });

  it('gives up on a stub shorter than the minimum', () => {
    expect(trimTruncated(ts(5), 0.5)).toBeUndefined();
    expect(trimTruncated(Buffer.alloc(50), 0.5)).toBeUndefined();
  });
});
