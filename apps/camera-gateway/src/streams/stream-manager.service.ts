import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationShutdown,
  OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { LiveErrorCode, StreamKind } from '@xueliang/contracts';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { CameraDirectory, CameraTarget } from '../cameras/camera-directory.service';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraLeases } from '../leases/camera-leases.service';
import type { StreamInfo as GatewayStreamInfo } from '@xueliang/gateway-protocol';
import { StreamCodecProbe } from '../cameras/stream-codec.adapter';
import {
  buildHlsCommand,
  canCopy,
  lastSegmentNumber,
  PLAYLIST,
  redactUrl,
  SEGMENT_PATTERN,
  withCredentials,
  withDiscontinuitySequence,
} from './ffmpeg-args';
import { FfmpegRun, FfmpegRunner, GROUP_FILE } from './ffmpeg-runner.adapter';
import { RingBuffer } from './ring-buffer';

/** What the internal API reports about a stream: protocol, so its type is gateway-protocol's. */
export type StreamInfo = GatewayStreamInfo;

/** Backoff before the n-th consecutive restart: base·2ⁿ, capped. */
function restartDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

/** The session's playlist as ffmpeg left it ('' when there is none yet). */
function readPlaylistSync(dir: string): string {
  try {
    return readFileSync(join(dir, PLAYLIST), 'utf8');
  } catch {
    return '';
  }
}

/** Whether a playlist has at least one segment a player can fetch right away. */
function isPlayable(playlist: string): boolean {
  return /#EXTINF:/.test(playlist);
}

/** A refused live request: 503 with a code the api passes through and the console words. */
function capacityError(code: LiveErrorCode, message: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ message, code });
}

/** One camera × stream: its ffmpeg, its temp dir, its viewers' last request. */
class StreamSession {
  run: FfmpegRun | undefined;
  readonly stderr = new RingBuffer(60);
  restarts = 0;
  consecutiveFailures = 0;
  lastExit: string | null = null;
  lastAccess = Date.now();
  readonly startedAt = new Date();
  stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  runStartedAt = 0;
  /** Media sequence numbers where a restart's segments begin (after an EXT-X-DISCONTINUITY). */
  readonly seams: number[] = [];
  /** Whether an ffmpeg has run in this session's dir: a new one continues its playlist. */
  started = false;

  constructor(
    readonly camera: CameraTarget,
    readonly stream: StreamKind,
    readonly dir: string,
    readonly transcoding: boolean,
    /** The stream's codec as read from it (null: unknown, copied as most cameras send H.264). */
    readonly codec: string | null,
    private readonly manager: StreamManager,
  ) {}

  get key(): string {
    return `${this.camera.id}/${this.stream}`;
  }

  start(): void {
    if (this.stopping) return;
    this.runStartedAt = Date.now();
    const run = this.manager.spawn(this);
    this.run = run;
    void run.exited.then((exit) => {
      if (this.run !== run) return;
      this.run = undefined;
      this.lastExit = exit.message;
      if (this.stopping) return;
      // Ran a good while: the camera was fine, start the backoff over.
      if (Date.now() - this.runStartedAt > 30_000) this.consecutiveFailures = 0;
      const delay = this.manager.restartDelayFor(this.consecutiveFailures++);
      this.manager.log.warn(`ffmpeg for ${this.key} ${exit.message}; restarting in ${delay} ms`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.restarts++;
        this.start();
      }, delay);
    });
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const run = this.run;
    this.run = undefined;
    if (run) await run.stop(graceMs);
    await rm(this.dir, { recursive: true, force: true });
  }

  info(): StreamInfo {
    return {
      cameraId: this.camera.id,
      stream: this.stream,
      pid: this.run?.pid(),
      restarts: this.restarts,
      startedAt: this.startedAt.toISOString(),
      lastAccessAt: new Date(this.lastAccess).toISOString(),
      transcoding: this.transcoding,
      lastExit: this.lastExit,
      stderr: this.stderr.toArray(),
    };
  }
}

/**
 * On-demand RTSP → HLS: one ffmpeg per camera × stream shared by every viewer, stopped after
 * an idle period without playlist or segment requests, restarted with backoff when it dies,
 * and per-gateway caps so one gateway never overcommits its CPU: MAX_STREAMS streams of any kind,
 * of which at most MAX_TRANSCODES transcoded (~25× the CPU of a copied one). Only starting a new
 * stream is refused; viewers join a running one whatever the counts.
 */
@Injectable()
export class StreamManager implements OnModuleInit, OnApplicationShutdown {
  readonly log = new Logger('streams');
  private readonly sessions = new Map<string, StreamSession>();
  private readonly starting = new Map<string, Promise<StreamSession>>();
  /** Transcoded streams past their capacity check but not yet in `sessions`. */
  private readonly reservedTranscodes = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly root: string;
  private readonly gatewayDir: string;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly cameras: CameraDirectory,
    private readonly ffmpeg: FfmpegRunner,
    private readonly leases: CameraLeases,
    private readonly codecs: StreamCodecProbe,
    @InjectConfig() config: AppConfig,
  ) {
    // One dir per gateway process: a restarted gateway can tell its dead predecessor's streams
    // from those of another live gateway with the same id (tests run side by side).
    this.gatewayDir = join(settings.HLS_DIR || join(tmpdir(), 'xueliang-hls'), config.GATEWAY_ID);
    this.root = join(this.gatewayDir, String(process.pid));
  }

  async onModuleInit(): Promise<void> {
    // A camera whose lease moved is streamed by its new gateway; the api routes viewers there.
    this.leases.listen({
      acquired: () => undefined,
      released: async (ids) => {
        await Promise.all(ids.map((id) => this.stopCamera(id)));
      },
    });
    await this.ffmpeg.reapOrphans(this.gatewayDir).catch((err: unknown) => {
      this.log.warn(`could not stop orphaned ffmpeg: ${(err as Error).message}`);
    });
    const every = Math.max(200, Math.min(1000, Math.floor(this.settings.STREAM_IDLE_MS / 4)));
    this.sweeper = setInterval(() => void this.sweepIdle(), every);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.stopAll();
  }

  restartDelayFor(attempt: number): number {
    return restartDelay(attempt, this.settings.STREAM_RESTART_BASE_MS, this.settings.STREAM_RESTART_MAX_MS);
  }

  /** Starts (or joins) the stream and resolves once its playlist has a segment. */
  async ensure(cameraId: string, stream: StreamKind): Promise<StreamInfo> {
    const key = `${cameraId}/${stream}`;
    let session = this.sessions.get(key);
    if (!session) {
      let pending = this.starting.get(key);
      if (!pending) {
        pending = this.open(cameraId, stream).finally(() => this.starting.delete(key));
        this.starting.set(key, pending);
      }
      session = await pending;
    }
    session.lastAccess = Date.now();
    await this.waitPlayable(session);
    return session.info();
  }

  private async open(cameraId: string, stream: StreamKind): Promise<StreamSession> {
    if (this.sessions.size + this.starting.size >= this.settings.MAX_STREAMS) {
      throw capacityError('gateway_capacity', 'gateway at stream capacity');
    }
    const key = `${cameraId}/${stream}`;
    const camera = await this.cameras.get(cameraId);
    const uri = stream === 'sub' ? (camera.rtspSub ?? camera.rtspMain) : camera.rtspMain;
    if (!uri) throw new NotFoundException('camera has no RTSP stream registered');
    const codec = await this.streamCodec(camera, stream, uri);
    const transcoding = !canCopy(codec);
    // Checked and reserved with no await in between, so concurrent starts cannot both slip in.
    if (transcoding && this.transcodeCount() >= this.settings.MAX_TRANSCODES) {
      const max = this.settings.MAX_TRANSCODES;
      throw capacityError(
        'gateway_transcode_capacity',
        `gateway at transcoding capacity: ${max} of ${max} H.265 streams already being converted ` +
          '(MAX_TRANSCODES); close H.265 live views no longer watched, or ask the technician for ' +
          'more gateway capacity',
      );
    }
    const dir = join(this.root, `${cameraId}-${stream}-${randomBytes(4).toString('hex')}`);
    if (transcoding) this.reservedTranscodes.add(key);
    try {
      await mkdir(dir, { recursive: true });
    } finally {
      this.reservedTranscodes.delete(key);
    }
    const session = new StreamSession(camera, stream, dir, transcoding, codec, this);
    this.sessions.set(session.key, session);
    session.start();
    return session;
  }

  spawn(session: StreamSession): FfmpegRun {
    const c = session.camera;
    let continuePlaylist = false;
    if (session.started) {
      // A restart: its segments follow the last one listed, after a discontinuity.
      const last = lastSegmentNumber(readPlaylistSync(session.dir));
      if (last !== undefined) {
        continuePlaylist = true;
        session.seams.push(last + 1);
      }
    }
    session.started = true;
    const uri = session.stream === 'sub' ? (c.rtspSub ?? c.rtspMain) : c.rtspMain;
    const cmd = buildHlsCommand({
      inputUrl: withCredentials(uri ?? '', c.username, c.password),
      sourceCodec: session.codec,
      outDir: session.dir,
      segmentSeconds: this.settings.HLS_SEGMENT_SECONDS,
      listSize: this.settings.HLS_LIST_SIZE,
      rtspTimeoutMs: this.settings.ONVIF_TIMEOUT_MS,
      continuePlaylist,
    });
    return this.ffmpeg.start(
      cmd,
      (line) => session.stderr.push(redactUrl(line)),
      join(session.dir, GROUP_FILE),
    );
  }

  /**
   * The codec of the stream to be served, which decides copy or transcode: as stored (read from
   * the stream at registration; a sub stream without its own falls back to the main one's), or,
   * when not known, read from the stream now with ffprobe and stored for next time.
   */
  private async streamCodec(camera: CameraTarget, stream: StreamKind, uri: string): Promise<string | null> {
    const stored =
      stream === 'sub' && camera.rtspSub ? (camera.subVideoCodec ?? camera.videoCodec) : camera.videoCodec;
    if (stored) return stored;
    const measured = await this.codecs.codecOf(
      withCredentials(uri, camera.username, camera.password),
      Math.max(this.settings.ONVIF_TIMEOUT_MS * 2, 5_000),
    );
    if (measured) {
      const column = stream === 'sub' && camera.rtspSub ? 'subVideoCodec' : 'videoCodec';
      await this.cameras.saveMedia(camera.id, { [column]: measured }).catch((err: unknown) => {
        this.log.warn(`codec of ${camera.id}/${stream} not stored: ${(err as Error).message}`);
      });
    }
    return measured;
  }

  private async waitPlayable(session: StreamSession): Promise<void> {
    const deadline = Date.now() + this.settings.STREAM_READY_TIMEOUT_MS;
    for (;;) {
      // A viewer waiting for the first segment is activity: the idle sweeper must not stop it.
      session.lastAccess = Date.now();
      const text = await readFile(join(session.dir, PLAYLIST), 'utf8').catch(() => '');
      if (isPlayable(text)) return;
      if (session.stopping) throw new ServiceUnavailableException('stream stopped while starting');
      if (Date.now() > deadline) {
        const last = session.stderr.toArray().slice(-3).join(' | ');
        throw new GatewayTimeoutException(`camera stream did not start in time${last ? `: ${last}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /** A playlist or segment for a viewer; counts as activity. undefined when absent. */
  async readFile(cameraId: string, stream: StreamKind, file: string): Promise<Buffer | undefined> {
    if (file !== PLAYLIST && !SEGMENT_PATTERN.test(file)) return undefined;
    const session = this.sessions.get(`${cameraId}/${stream}`);
    if (!session || session.stopping) return undefined;
    session.lastAccess = Date.now();
    // A segment ffmpeg has already rotated out (or not yet written) is simply absent: a 404.
    const data = await readFile(join(session.dir, file)).catch(() => undefined);
    if (!data || file !== PLAYLIST || !session.seams.length) return data;
    return Buffer.from(withDiscontinuitySequence(data.toString('utf8'), session.seams), 'utf8');
  }

  /** Transcoded streams running or being started; what MAX_TRANSCODES limits. */
  transcodeCount(): number {
    let n = this.reservedTranscodes.size;
    for (const s of this.sessions.values()) if (s.transcoding) n++;
    return n;
  }

  list(): StreamInfo[] {
    return [...this.sessions.values()].map((s) => s.info());
  }

  get(cameraId: string, stream: StreamKind): StreamInfo | undefined {
    return this.sessions.get(`${cameraId}/${stream}`)?.info();
  }

  async stop(cameraId: string, stream: StreamKind): Promise<void> {
    const session = this.sessions.get(`${cameraId}/${stream}`);
    if (!session) return;
    this.sessions.delete(session.key);
    await session.stop(this.settings.STREAM_STOP_GRACE_MS);
  }

  /** Lease lost or camera removed: its streams go with it. */
  async stopCamera(cameraId: string): Promise<void> {
    await Promise.all([this.stop(cameraId, 'main'), this.stop(cameraId, 'sub')]);
  }

  async stopAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.stop(this.settings.STREAM_STOP_GRACE_MS)));
  }

  private async sweepIdle(): Promise<void> {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastAccess > this.settings.STREAM_IDLE_MS) {
        this.log.log(`stopping idle stream ${s.key}`);
        await this.stop(s.camera.id, s.stream);
      } else {
        await this.checkStalled(s, now);
      }
    }
  }

  /**
   * Watchdog: ffmpeg can hang on a camera that keeps the TCP session open but sends nothing.
   * A playlist that stops changing means no segments: kill it, and the exit handler restarts
   * it with backoff like any other death.
   */
  private async checkStalled(s: StreamSession, now: number): Promise<void> {
    const run = s.run;
    const limit = this.settings.STREAM_STALL_MS;
    if (!run || s.stopping || now - s.runStartedAt < limit) return;
    const mtime = await stat(join(s.dir, PLAYLIST))
      .then((st) => st.mtimeMs)
      .catch(() => 0);
    if (now - Math.max(mtime, s.runStartedAt) > limit) {
      this.log.warn(`ffmpeg for ${s.key} stalled (no new segment for ${limit} ms); restarting`);
      s.stderr.push(`[gateway] stalled: no new segment for ${limit} ms`);
      await run.stop(this.settings.STREAM_STOP_GRACE_MS);
    }
  }
}
