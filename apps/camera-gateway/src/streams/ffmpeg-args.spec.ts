import {
  argvOf,
  buildHlsCommand,
  canCopy,
  lastSegmentNumber,
  redactUrl,
  withCredentials,
  withDiscontinuitySequence,
} from './ffmpeg-args';

describe('buildHlsCommand', () => {
  const base = {
    inputUrl: 'rtsp://u:p@cam/1',
    outDir: '/tmp/s',
    segmentSeconds: 1,
    listSize: 6,
  };
  const cases: { name: string; codec: string | null; copy: boolean }[] = [
    { name: 'H.264 is copied', codec: 'h264', copy: true },
    { name: 'unknown codec is copied', codec: null, copy: true },
    { name: 'H.265 is transcoded', codec: 'h265', copy: false },
    { name: 'MJPEG is transcoded', codec: 'jpeg', copy: false },
  ];
  it.each(cases)('$name', ({ codec, copy }) => {
    const argv = argvOf(buildHlsCommand({ ...base, sourceCodec: codec }));
    expect(argv.slice(0, 2)).toEqual(['-rtsp_transport', 'tcp']);
    expect(argv).toContain('-i');
    expect(argv[argv.indexOf('-i') + 1]).toBe('rtsp://u:p@cam/1');
    const cv = argv[argv.indexOf('-c:v') + 1];
    expect(cv).toBe(copy ? 'copy' : 'libx264');
    if (!copy) {
      expect(argv[argv.indexOf('-preset') + 1]).toBe('veryfast');
      expect(argv[argv.indexOf('-tune') + 1]).toBe('zerolatency');
    } else {
      expect(argv).not.toContain('-preset');
    }
    expect(argv[argv.indexOf('-f') + 1]).toBe('hls');
    expect(argv[argv.indexOf('-hls_time') + 1]).toBe('1');
    expect(argv[argv.indexOf('-hls_list_size') + 1]).toBe('6');
    expect(argv[argv.indexOf('-hls_flags') + 1]).toBe(
      'delete_segments+independent_segments+omit_endlist+program_date_time',
    );
    expect(argv[argv.indexOf('-hls_start_number_source') + 1]).toBe('epoch');
    expect(argv[argv.indexOf('-hls_segment_filename') + 1]).toBe('/tmp/s/seg_%05d.ts');
    expect(argv.at(-1)).toBe('/tmp/s/index.m3u8');
  });

  it('sets the RTSP socket timeout in microseconds when given', () => {
    const argv = argvOf(buildHlsCommand({ ...base, sourceCodec: 'h264', rtspTimeoutMs: 5000 }));
    expect(argv[argv.indexOf('-timeout') + 1]).toBe('5000000');
  });

  it('follows the segment length and list size', () => {
    const argv = argvOf(buildHlsCommand({ ...base, sourceCodec: 'h265', segmentSeconds: 2, listSize: 4 }));
    expect(argv[argv.indexOf('-hls_time') + 1]).toBe('2');
    expect(argv[argv.indexOf('-hls_list_size') + 1]).toBe('4');
    expect(argv[argv.indexOf('-force_key_frames') + 1]).toBe('expr:gte(t,n_forced*2)');
  });
});

describe('restarts (RFC 8216 discontinuities)', () => {
  const base = {
    inputUrl: 'rtsp://cam/1',
    outDir: '/tmp/s',
    segmentSeconds: 1,
    listSize: 6,
    sourceCodec: 'h264',
  };

  it('continues the playlist after a restart instead of numbering afresh', () => {
    const argv = argvOf(buildHlsCommand({ ...base, continuePlaylist: true }));
    expect(argv[argv.indexOf('-hls_flags') + 1]).toMatch(/\+program_date_time\+append_list$/);
    expect(argv).not.toContain('-hls_start_number_source');
  });

  const playlist = (first: number, withTag: boolean): string =>
    [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:1',
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
      '#EXTINF:1.000000,',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-01T18:04:58.382+0000',
      `seg_${first}.ts`,
      ...(withTag ? ['#EXT-X-DISCONTINUITY'] : []),
      '#EXTINF:1.000000,',
      `seg_${first + 1}.ts`,
    ].join('\n');

  it('finds where a restart continues', () => {
    expect(lastSegmentNumber(playlist(41, false))).toBe(42);
    expect(lastSegmentNumber('')).toBeUndefined();
  });

  it('counts discontinuities that left the window in EXT-X-DISCONTINUITY-SEQUENCE', () => {
    // The seam at 42 is still in the window: its tag is there and nothing has left.
    expect(withDiscontinuitySequence(playlist(41, true), [42])).toBe(playlist(41, true));
    // Once it has left, the sequence says so.
    expect(withDiscontinuitySequence(playlist(50, false), [42, 45])).toContain(
      '#EXT-X-MEDIA-SEQUENCE:50\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n',
    );
    expect(withDiscontinuitySequence(playlist(50, false), [])).toBe(playlist(50, false));
  });
});

describe('credentials in RTSP URLs', () => {
  it('embeds encoded credentials and redacts them from logs', () => {
    const url = withCredentials('rtsp://10.0.0.5:554/cam/1/main', 'admin', 'p@ss:w/rd');
    expect(url).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/cam/1/main');
    expect(redactUrl(`Input #0, rtsp, from '${url}'`)).toBe(
      "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5:554/cam/1/main'",
    );
    expect(withCredentials('rtsp://h/x', '', '')).toBe('rtsp://h/x');
    expect(canCopy('h264')).toBe(true);
  });
});
