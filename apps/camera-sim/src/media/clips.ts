import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StreamProfile } from '../camera';
import { beforeFirstSlice, parseClip, ParsedClip, VideoCodec } from './h26x';
import { OSD_BAND_ROWS, OsdClip, OsdPainter, prepareOsdClip } from './osd';

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSansMono.ttf',
  '/System/Library/Fonts/Menlo.ttc',
];
/** Bumped when the encode recipe changes so stale cache entries are not reused. */
const RECIPE = 'v3';
const CLIP_SECONDS = 10;

/** A camera stream's clip as sent; H.264 clips come with room for the OSD band (osd.ts). */
export interface CameraClip {
  clip: ParsedClip;
  osd?: OsdClip;
}

export interface ClipStoreOptions {
  ffmpegPath: string;
  cacheDir: string;
  /** Concurrent ffmpeg encodes; 200 lazily-encoded cameras must not starve a 2-core host. */
  concurrency: number;
  log: (msg: string) => void;
}

/**
 * Encodes each camera's clip once (lavfi testsrc2 + the camera label), caches the Annex-B stream
 * on disk across runs, and parses it into access units for the RTSP pacer. H.264 scenes are
 * encoded one macroblock row short: the live OSD band (date, time, PTZ) fills it at send time.
 * H.265 clips, which exist to exercise the gateway's transcoding, burn in the clip's own time code.
 */
export class ClipStore {
  private readonly clips = new Map<string, Promise<CameraClip>>();
  private readonly snapshots = new Map<string, Promise<Buffer>>();
  /** The last live snapshot per camera stream: its OSD text and JPEG, reused within the second. */
  private readonly liveSnapshots = new Map<string, { text: string; jpeg: Promise<Buffer> }>();
  private readonly children = new Set<ChildProcess>();
  private readonly queue: Array<() => void> = [];
  private running = 0;
  private stopped = false;
  private readonly font = FONT_CANDIDATES.find((f) => existsSync(f));
  /** Set when drawtext fails (ffmpeg built without freetype): later encodes skip the overlay. */
  private overlayBroken = false;

  constructor(private readonly opts: ClipStoreOptions) {}

  clip(label: string, codec: VideoCodec, p: StreamProfile): Promise<CameraClip> {
    const key = `${safe(label)}-${p.kind}-${codec}-${p.width}x${p.height}-${p.fps}-${p.bitrateKbps}k-${RECIPE}`;
    let c = this.clips.get(key);
    if (!c) {
      c = this.loadOrEncode(key, label, codec, p);
      this.clips.set(key, c);
      c.catch(() => this.clips.delete(key));
    }
    return c;
  }

  /**
   * The camera's current picture as a JPEG, like a real camera's snapshot: the clip's first
   * keyframe under the live OSD band (date, time, PTZ), decoded by one short ffmpeg run. H.265
   * cameras, and any failure, fall back to the still encoded once per camera.
   */
  async snapshot(label: string, codec: VideoCodec, p: StreamProfile, osdText: () => string): Promise<Buffer> {
    if (codec === 'h264') {
      try {
        const { osd } = await this.clip(label, codec, p);
        if (osd) return await this.liveSnapshot(`${safe(label)}-${p.kind}`, osd, osdText());
      } catch (e) {
        if (this.stopped) throw e;
        this.opts.log(`${label}: live snapshot failed, sending the still: ${(e as Error).message}`);
      }
    }
    return this.stillSnapshot(label, p);
  }

  private liveSnapshot(key: string, osd: OsdClip, text: string): Promise<Buffer> {
    const last = this.liveSnapshots.get(key);
    if (last?.text === text) return last.jpeg;
    const key0 = osd.clip.frames[0];
    const band = new OsdPainter(osd, () => text).slice(0);
    const nals = beforeFirstSlice('h264', key0.nals, band);
    const annexB = Buffer.concat(nals.flatMap((n) => [START_CODE, n]));
    const jpeg = this.withSlot(() =>
      this.run(
        [
          '-f',
          'h264',
          '-i',
          'pipe:0',
          '-frames:v',
          '1',
          '-q:v',
          '5',
          '-f',
          'image2',
          '-c:v',
          'mjpeg',
          'pipe:1',
        ],
        annexB,
      ),
    );
    this.liveSnapshots.set(key, { text, jpeg });
    jpeg.catch(() => this.liveSnapshots.delete(key));
    return jpeg;
  }

  private stillSnapshot(label: string, p: StreamProfile): Promise<Buffer> {
    const key = `${safe(label)}-${p.width}x${p.height}-${RECIPE}.jpg`;
    let s = this.snapshots.get(key);
    if (!s) {
      s = this.cachedFile(key, (out) => [
        ...['-f', 'lavfi', '-i', `testsrc2=size=${p.width}x${p.height}:rate=1:duration=1`],
        ...[
          '-vf',
          this.overlay(label, 'snapshot', false, p.height),
          '-frames:v',
          '1',
          '-q:v',
          '5',
          '-update',
          '1',
          '-f',
          'image2',
          out,
        ],
      ]);
      this.snapshots.set(key, s);
      s.catch(() => this.snapshots.delete(key));
    }
    return s;
  }

  private async loadOrEncode(
    key: string,
    label: string,
    codec: VideoCodec,
    p: StreamProfile,
  ): Promise<CameraClip> {
    const ext = codec === 'h264' ? 'h264' : 'h265';
    const osd = codec === 'h264';
    const height = osd ? p.height - OSD_BAND_ROWS : p.height;
    // One slice per picture (no sliced threads): the OSD rewrite turns off deblocking across slice
    // edges, which must then be only the band's.
    const encoder =
      codec === 'h264'
        ? [
            ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline'],
            ...['-x264-params', 'sliced-threads=0:slices=1'],
          ]
        : [
            '-c:v',
            'libx265',
            '-preset',
            'ultrafast',
            '-x265-params',
            `log-level=error:repeat-headers=1:keyint=${p.gop}:min-keyint=${p.gop}:scenecut=0`,
          ];
    const data = await this.cachedFile(`${key}.${ext}`, (out) => [
      ...['-f', 'lavfi', '-i', `testsrc2=size=${p.width}x${height}:rate=${p.fps}:duration=${CLIP_SECONDS}`],
      ...['-vf', this.overlay(label, p.kind, !osd, p.height), '-pix_fmt', 'yuv420p'],
      ...encoder,
      ...['-g', String(p.gop), '-keyint_min', String(p.gop), '-sc_threshold', '0', '-bf', '0'],
      ...['-b:v', `${p.bitrateKbps}k`, '-maxrate', `${p.bitrateKbps}k`, '-bufsize', `${p.bitrateKbps}k`],
      ...['-f', codec === 'h264' ? 'h264' : 'hevc', out],
    ]);
    const clip = parseClip(codec, data);
    if (!osd) return { clip };
    try {
      const prepared = prepareOsdClip(clip);
      return { clip: prepared.clip, osd: prepared };
    } catch (e) {
      this.opts.log(`${key}: playing without the OSD band: ${(e as Error).message}`);
      return { clip };
    }
  }

  private overlay(label: string, kind: string, clock: boolean, height: number): string {
    // The scene's first macroblock row stays flat black, so x264 codes it as skipped blocks and no
    // motion vector needs samples from above the scene, where the OSD band goes.
    const margin = 'drawbox=x=0:y=0:w=iw:h=16:color=black:t=fill';
    if (this.overlayBroken) return margin;
    const text = `${safe(label)} ${kind}${clock ? ' %{pts\\:hms}' : ''}`;
    const font = this.font ? `fontfile=${this.font}:` : '';
    return `${margin},drawtext=${font}text='${text}':x=8:y=h-th-8:fontsize=${Math.round(height / 18)}:fontcolor=white:box=1:boxcolor=black@0.6`;
  }

  private async cachedFile(name: string, args: (out: string) => string[]): Promise<Buffer> {
    const file = path.join(this.opts.cacheDir, name);
    if (existsSync(file)) return readFile(file);
    await mkdir(this.opts.cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await this.withSlot(async () => {
        try {
          await this.run(args(tmp));
        } catch (e) {
          if (this.overlayBroken || this.stopped || !/drawtext|freetype|font/i.test((e as Error).message))
            throw e;
          this.overlayBroken = true;
          this.opts.log(`drawtext unavailable, encoding without the label overlay: ${(e as Error).message}`);
          await this.run(args(tmp));
        }
      });
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
    this.opts.log(`encoded ${name}`);
    return readFile(file);
  }

  private async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  /** Runs ffmpeg to completion; `input` goes to its stdin, and its stdout is the result. */
  private run(args: string[], input?: Buffer): Promise<Buffer> {
    if (this.stopped) return Promise.reject(new Error('clip store stopped'));
    // The output muxer is fixed by -f, so the .tmp suffix of the output file does not matter.
    const full = ['-hide_banner', '-loglevel', 'error', ...(input ? [] : ['-nostdin']), '-y', ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.ffmpegPath, full, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      this.children.add(child);
      let err = '';
      const out: Buffer[] = [];
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
      child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
      child.on('error', (e) => {
        this.children.delete(child);
        reject(e);
      });
      child.on('close', (code, signal) => {
        this.children.delete(child);
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new Error(`ffmpeg exited ${code ?? signal}: ${err.trim()}`));
      });
    });
  }

  /** Kills running encodes so no ffmpeg outlives the sim. */
  stop(): void {
    this.stopped = true;
    for (const c of this.children) c.kill('SIGKILL');
    this.children.clear();
    for (const r of this.queue.splice(0)) r();
  }
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

function safe(label: string): string {
  return label.replace(/[^A-Za-z0-9_-]/g, '') || 'CAM';
}
