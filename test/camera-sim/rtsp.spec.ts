import { ChildProcess } from 'node:child_process';
import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { FFMPEG, FFPROBE, run, spawnTracked, startFleet, until } from './support';

function probeArgs(url: string): string[] {
  return [
    ...['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '10000000'],
    ...['-show_entries', 'stream=codec_name,width,height', '-of', 'json', url],
  ];
}

function withCredentials(rtsp: string, user: string, pass: string): string {
  return rtsp.replace('rtsp://', `rtsp://${user}:${pass}@`);
}

describe('camera-sim RTSP', () => {
  let fleet: CameraFleet;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    fleet = await startFleet({ count: 3, ptzEvery: 0, h265: [2], discovery: false });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fleet?.stop();
  });

  const url = (id: string, kind: 'main' | 'sub' = 'main', pass = 'sim12345'): string =>
    withCredentials(fleet.camera(id)!.rtspUrl(kind), 'admin', pass);

  it.each([
    ['cam-001', 'main', 'h264', 640, 360],
    ['cam-001', 'sub', 'h264', 320, 180],
    ['cam-003', 'main', 'hevc', 640, 360],
  ] as const)('ffprobe reads %s/%s as %s %dx%d', async (id, kind, codec, width, height) => {
    const r = await run(FFPROBE, probeArgs(url(id, kind)));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).streams[0]).toEqual({ codec_name: codec, width, height });
  });

  it("a new client's first video packet is a keyframe, whether the stream is idle or already running", async () => {
    const firstPackets = async (): Promise<Array<{ flags: string; pts: number }>> => {
      const r = await run(FFPROBE, [
        ...['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v:0'],
        ...['-read_intervals', '%+#5', '-show_entries', 'packet=flags,pts', '-of', 'json', url('cam-001')],
      ]);
      expect(r.code).toBe(0);
      return (JSON.parse(r.out) as { packets: Array<{ flags: string; pts: number }> }).packets;
    };
    const idle = await firstPackets();
    expect(idle[0].flags).toMatch(/^K/);
    // Another client keeps the stream running; the next one joins mid-GOP and still starts on a keyframe.
    const viewer = spawnTracked(children, FFMPEG, [
      ...['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url('cam-001')],
      ...['-c', 'copy', '-f', 'null', '-'],
    ]);
    await until(
      'frames sent on cam-001',
      async () => ((await fleet.streamClock('cam-001'))?.framesSent ?? 0) > 20 || undefined,
    );
    const joined = await firstPackets();
    expect(joined[0].flags).toMatch(/^K/);
    // Timestamps run on one frame step (90 kHz / 15 fps) at a time through the burst into the live
    // frames (ffmpeg leaves the very first packet's pts unset until it has an RTCP sender report).
    const pts = joined.slice(1).map((p) => p.pts);
    expect(pts.slice(1).map((t, i) => t - pts[i])).toEqual([6000, 6000, 6000]);
    viewer.kill('SIGKILL');
  });

  it('a UDP SETUP gets 461 and ffprobe falls back to TCP interleaved', async () => {
    const r = await run(FFPROBE, [
      '-v',
      'warning',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'json',
      url('cam-002'),
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('461');
    expect(JSON.parse(r.out).streams[0].codec_name).toBe('h264');
  });

  it('wrong RTSP password → 401 and ffprobe fails', async () => {
    const r = await run(FFPROBE, probeArgs(url('cam-001', 'main', 'wrong')));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/401 Unauthorized/);
  });

  it('unknown stream → 404', async () => {
    const r = await run(FFPROBE, probeArgs(url('cam-001').replace('/main', '/third')));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/404/);
  });

  it('several clients share a stream; the stream clock advances; cut-stream ends them', async () => {
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-rtsp_transport',
      'tcp',
      '-i',
      url('cam-002'),
      '-c',
      'copy',
      '-f',
      'null',
      '-',
    ];
    const a = spawnTracked(children, FFMPEG, args);
    const b = spawnTracked(children, FFMPEG, args);
    const exited = (c: ChildProcess): Promise<number | null> =>
      new Promise((resolve) =>
        c.exitCode !== null ? resolve(c.exitCode) : c.on('close', (code) => resolve(code)),
      );
    const clock = await until('two clients on cam-002', async () => {
      const c = await fleet.streamClock('cam-002');
      return c && c.clients === 2 && c.framesSent > 20 ? c : undefined;
    });
    expect(clock.wallClockMs).toBeGreaterThan(0);
    expect(fleet.cutStream('cam-002')).toBe(2);
    await Promise.all([exited(a), exited(b)]);
    expect(a.exitCode).not.toBeNull();
    expect(b.exitCode).not.toBeNull();
  });

  it('offline camera: RTSP refused; back online: streams again', async () => {
    fleet.setOffline('cam-001');
    const down = await run(FFPROBE, probeArgs(url('cam-001')));
    expect(down.code).not.toBe(0);
    fleet.setOnline('cam-001');
    const up = await run(FFPROBE, probeArgs(url('cam-001')));
    expect(up.code).toBe(0);
  });
});
