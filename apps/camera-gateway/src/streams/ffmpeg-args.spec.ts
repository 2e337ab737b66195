import { argvOf, buildHlsCommand, canCopy, redactUrl, withCredentials } from './ffmpeg-args';

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
    expect(argv[argv.indexOf('-hls_flags') + 1]).toBe('delete_segments+independent_segments+omit_endlist');
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
