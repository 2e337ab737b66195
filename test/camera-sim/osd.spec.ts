import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROFILES, StreamProfile } from '../../apps/camera-sim/src/camera';
import { ClipStore } from '../../apps/camera-sim/src/media/clips';
import { beforeFirstSlice, parseClip, ParsedClip } from '../../apps/camera-sim/src/media/h26x';
import { OSD_BAND_ROWS, OsdPainter } from '../../apps/camera-sim/src/media/osd';
import { renderOsdLine } from '../../apps/camera-sim/src/media/osd-font';
import { CameraFleet } from '../../apps/camera-sim/src/fleet';
import { osdLine } from '../../apps/camera-sim/src/media/osd-text';
import { PtzVector } from '../../apps/camera-sim/src/ptz';
import { FFMPEG, spawnTracked, startFleet, until } from './support';
import { ChildProcess } from 'node:child_process';

const START = Buffer.from([0, 0, 0, 1]);

/** Decodes an Annex-B H.264 stream with real ffmpeg into 8-bit luma planes. */
function decodeLuma(stream: Buffer, width: number, height: number, format = 'h264'): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      FFMPEG,
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', format, '-i', 'pipe:0'],
        ...['-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg ${code}: ${err}`));
      const all = Buffer.concat(out);
      const size = width * height;
      const frames: Buffer[] = [];
      for (let o = 0; o + size <= all.length; o += size) frames.push(all.subarray(o, o + size));
      resolve(frames);
    });
    child.stdin.end(stream);
  });
}

function annexB(nalsPerFrame: Buffer[][]): Buffer {
  return Buffer.concat(nalsPerFrame.flatMap((nals) => nals.flatMap((n) => [START, n])));
}

/** ffmpeg's gray output is full range: map the band's video-range expectation the same way. */
function toFullRange(v: number): number {
  return Math.max(0, Math.min(255, Math.round(((v - 16) * 255) / 219)));
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('OSD band: clock and PTZ drawn into the pre-encoded clip (real ffmpeg decodes it)', () => {
  let dir: string;
  let store: ClipStore;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'xl-osd-'));
    store = new ClipStore({ ffmpegPath: FFMPEG, cacheDir: dir, concurrency: 2, log: () => undefined });
  });
  afterAll(async () => {
    store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function check(profile: StreamProfile): Promise<void> {
    const { clip, osd } = await store.clip('OSD-TEST', 'h264', profile);
    expect(osd).toBeDefined();
    // The scene as x264 encoded it (the store's cache file): what the stitched pictures must match
    // below the band.
    const cached = (await readdir(dir)).find(
      (f) => f.includes(`-${profile.kind}-h264-`) && f.endsWith('.h264'),
    );
    const original: ParsedClip = parseClip('h264', await readFile(path.join(dir, cached!)));
    const sceneHeight = profile.height - OSD_BAND_ROWS;
    const reference = await decodeLuma(
      annexB(original.frames.map((f) => f.nals)),
      profile.width,
      sceneHeight,
    );

    // Text changes every 7 frames (a clock ticking faster than real time) and on a PTZ move.
    let text = '';
    const painter = new OsdPainter(osd!, () => text);
    const texts: string[] = [];
    const frames = clip.frames.map((au, i) => {
      text = `2026-11-23 16:52:${String(10 + Math.floor(i / 7)).padStart(2, '0')}${i > 40 ? ' P+0.12 T-0.30 Z0.50' : ''}`;
      texts.push(text);
      return beforeFirstSlice('h264', au.nals, painter.slice(i));
    });
    const stitched = await decodeLuma(annexB(frames), profile.width, profile.height);
    expect(stitched).toHaveLength(clip.frames.length);

    const bandBytes = profile.width * OSD_BAND_ROWS;
    let worstScene = 0;
    stitched.forEach((pic, i) => {
      const band = pic.subarray(0, bandBytes);
      const expected = renderOsdLine(texts[i], profile.width).map(toFullRange);
      // The band is lossless (I_PCM): exactly the rendered text, frame by frame.
      expect(maxDiff(band, expected)).toBeLessThanOrEqual(1);
      worstScene = Math.max(worstScene, maxDiff(pic.subarray(bandBytes), reference[i]));
    });
    // The scene below decodes as encoded: moving it down and adding the band corrupts nothing.
    expect(worstScene).toBe(0);
  }

  it('main stream 640×360', () => check(PROFILES.main));
  it('sub stream 320×180', () => check(PROFILES.sub));

  it('the snapshot JPEG shows the same band as the live picture', async () => {
    const text = '2026-11-23 16:52:10 P+0.12 T-0.30 Z0.50';
    const jpeg = await store.snapshot('OSD-TEST', 'h264', PROFILES.main, () => text);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const [pic] = await decodeLuma(jpeg, 640, 360, 'image2pipe');
    const band = pic.subarray(0, 640 * OSD_BAND_ROWS);
    const meanDiff = (t: string): number => {
      const expected = renderOsdLine(t, 640).map(toFullRange);
      return band.reduce((sum, v, i) => sum + Math.abs(v - expected[i]), 0) / band.length;
    };
    // JPEG is lossy: the right text is close, a different second is clearly not.
    expect(meanDiff(text)).toBeLessThan(3);
    expect(meanDiff(text.replace(':10', ':47'))).toBeGreaterThan(meanDiff(text) + 1);
    // Within the same text the camera reuses its last snapshot instead of running ffmpeg again.
    expect(await store.snapshot('OSD-TEST', 'h264', PROFILES.main, () => text)).toBe(jpeg);
  });

  it('costs a few hundred bytes on a clock tick and nothing in between', async () => {
    const { clip, osd } = await store.clip('OSD-TEST', 'h264', PROFILES.main);
    let text = '2026-11-23 16:52:10';
    const painter = new OsdPainter(osd!, () => text);
    const key = clip.frames.findIndex((f) => f.key);
    const full = painter.slice(key).length;
    const skip = painter.slice(key + 1).length;
    text = '2026-11-23 16:52:11';
    const tick = painter.slice(key + 2).length;
    expect(full).toBeGreaterThan(1000);
    expect(skip).toBeLessThan(20);
    expect(tick).toBeLessThan(500);
  });
});

/** The last of `frames` pictures a fresh RTSP client decodes, as full-range luma. */
async function grabLuma(url: string, frames: number, width: number, height: number): Promise<Buffer> {
  const child = spawn(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url],
      ...['-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  const all = Buffer.concat(out);
  const size = width * height;
  expect(all.length).toBe(size * frames);
  return all.subarray(size * (frames - 1));
}

/** Which of the candidate OSD lines the picture's band shows exactly (undefined: none). */
function bandShows(pic: Buffer, width: number, candidates: string[]): string | undefined {
  const band = pic.subarray(0, width * OSD_BAND_ROWS);
  return candidates.find((t) => maxDiff(band, renderOsdLine(t, width).map(toFullRange)) <= 1);
}

function linesBetween(fromMs: number, toMs: number, ptz?: PtzVector): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / 1000) * 1000; t <= toMs; t += 1000) out.push(osdLine(t, ptz));
  return out;
}

describe('OSD over RTSP: the picture shows the wall clock and the dome position', () => {
  let fleet: CameraFleet;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    fleet = await startFleet({ count: 2, ptzEvery: 2, discovery: false });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fleet?.stop();
  });

  const url = (id: string, kind: 'main' | 'sub' = 'main'): string =>
    fleet.camera(id)!.rtspUrl(kind).replace('rtsp://', 'rtsp://admin:sim12345@');

  it('a fixed camera shows the current date and time', async () => {
    const before = Date.now();
    const pic = await grabLuma(url('cam-001', 'sub'), 1, 320, 180);
    const shown = bandShows(pic, 320, linesBetween(before - 1000, Date.now()));
    expect(shown).toBeDefined();
  });

  it('a dome shows where it points, and the readout follows a move while the stream runs', async () => {
    const cam = fleet.camera('cam-002')!;
    const home = cam.ptz!.position();
    const before = Date.now();
    const first = await grabLuma(url('cam-002'), 1, 640, 360);
    expect(bandShows(first, 640, linesBetween(before - 1000, Date.now(), home))).toBeDefined();

    // A viewer keeps the stream running; the move then changes the band inside a GOP (P slices).
    spawnTracked(children, FFMPEG, [
      ...['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url('cam-002')],
      ...['-c', 'copy', '-f', 'null', '-'],
    ]);
    await until(
      'frames sent on cam-002',
      async () => ((await fleet.streamClock('cam-002'))?.framesSent ?? 0) > 3 || undefined,
    );
    const target = { x: 0.25, y: -0.5, zoom: 0.4 };
    cam.ptz!.absoluteMove(target, { x: 1, y: 1, zoom: 1 });
    await until(
      'the PTZ move to finish',
      async () => (!cam.ptz!.moving().panTilt && !cam.ptz!.moving().zoom) || undefined,
    );
    const moved = Date.now();
    const pic = await grabLuma(url('cam-002'), 20, 640, 360);
    const shown = bandShows(pic, 640, linesBetween(moved - 1000, Date.now(), target));
    expect(shown).toContain('P+0.25 T-0.50 Z0.40');
  });
});
