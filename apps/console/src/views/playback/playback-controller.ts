import Hls, { type HlsConfig, type LevelDetails } from 'hls.js';
import type { PlaybackSession, StreamKind } from '@xueliang/contracts';
import { recordingsApi } from '../../api/recording-endpoints';
import { mediaToWall, wallToMedia, type FragmentClock } from './pdt-clock';
import type { Span } from './timeline-math';

export type PlaybackState =
  | 'idle'
  | 'loading'
  | 'ready'
  | 'playing'
  | 'paused'
  | 'empty'
  | 'gap'
  /** Recorded as H.265 (served as recorded): browsers cannot decode it; export it to watch. */
  | 'unplayable'
  | 'error';

export interface PlaybackStatus {
  state: PlaybackState;
  detail: string | null;
  /** The range of the current session (wall clock, ms). */
  range: Span | null;
}

/**
 * A recorded stream is watched, not followed: buffer ahead generously so 8× does not starve,
 * and keep a little behind so a step back does not refetch.
 */
const VOD_HLS: Partial<HlsConfig> = {
  enableWorker: true,
  maxBufferLength: 30,
  backBufferLength: 30,
  manifestLoadingMaxRetry: 2,
  levelLoadingMaxRetry: 2,
  fragLoadingMaxRetry: 3,
};

/** Fatal errors recovered in place before the player gives up. */
const MAX_RECOVERIES = 4;
/** Renew the session this long before its token expires. */
const RENEW_LEAD_MS = 30_000;

/** The picture rate assumed for a frame step (the sim and most cameras send 25 fps). */
export const FRAME_SECONDS = 1 / 25;

/**
 * One playback player: a session for a camera and range from the api, hls.js on a <video>, and
 * the mapping between the video's media time and the wall clock the camera recorded (from the
 * playlist's EXT-X-PROGRAM-DATE-TIME, which hls.js keeps on every fragment).
 */
export class PlaybackController {
  private hls: Hls | null = null;
  private details: LevelDetails | null = null;
  private pendingWall: number | null = null;
  private autoplay = true;
  private rate = 1;
  private abort: AbortController | null = null;
  private status: PlaybackStatus = { state: 'idle', detail: null, range: null };
  private disposed = false;
  /** Fatal hls.js errors recovered in a row (reset by every loaded fragment). */
  private recoveries = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private opened: { cameraId: string; range: Span; stream?: StreamKind } | null = null;
  session: PlaybackSession | null = null;

  constructor(
    readonly video: HTMLVideoElement,
    private readonly onStatus: (s: PlaybackStatus) => void,
  ) {
    video.muted = true;
    video.addEventListener('playing', this.onPlaying);
    video.addEventListener('pause', this.onPause);
  }

  private readonly onPlaying = () => this.set({ state: 'playing', detail: null });
  private readonly onPause = () => {
    if (this.status.state === 'playing') this.set({ state: 'paused', detail: null });
  };

  private set(patch: Partial<PlaybackStatus>) {
    this.status = { ...this.status, ...patch };
    if (!this.disposed) this.onStatus(this.status);
  }

  get state(): PlaybackState {
    return this.status.state;
  }

  get range(): Span | null {
    return this.status.range;
  }

  /** The fragments' clocks as hls.js knows them now (it refines starts as it parses). */
  frags(): FragmentClock[] {
    const out: FragmentClock[] = [];
    for (const f of this.details?.fragments ?? []) {
      if (f.programDateTime !== null)
        out.push({ start: f.start, duration: f.duration, pdt: f.programDateTime });
    }
    return out;
  }

  /** The wall clock of the picture shown, epoch ms; null before anything is loaded. */
  wallNow(): number | null {
    if (!this.details) return null;
    return mediaToWall(this.frags(), this.video.currentTime);
  }

  get paused(): boolean {
    return this.video.paused;
  }

  /**
   * Opens a session for `range` and shows `startWall` (or the first recorded frame). Answers once
   * the session is there; the picture follows.
   */
  async open(
    cameraId: string,
    range: Span,
    options: { stream?: StreamKind; startWall?: number; autoplay?: boolean } = {},
  ): Promise<void> {
    this.teardown();
    this.opened = { cameraId, range, stream: options.stream };
    this.recoveries = 0;
    this.abort = new AbortController();
    this.autoplay = options.autoplay ?? true;
    this.pendingWall = options.startWall ?? null;
    this.set({ state: 'loading', detail: null, range });
    let session: PlaybackSession;
    try {
      session = await recordingsApi.playback(
        cameraId,
        new Date(range.start).toISOString(),
        new Date(range.end).toISOString(),
        options.stream,
        this.abort.signal,
      );
    } catch (err) {
      if (this.disposed || (err as Error).name === 'AbortError') return;
      this.set({ state: 'error', detail: (err as Error).message });
      return;
    }
    if (this.disposed) return;
    this.session = session;
    if (!session.firstRecordedAt) {
      this.set({ state: 'empty', detail: null });
      return;
    }
    if (session.browserPlayable === false) {
      this.set({ state: 'unplayable', detail: session.codec ?? null });
      return;
    }
    if (!Hls.isSupported()) {
      this.set({ state: 'error', detail: 'unsupported' });
      return;
    }
    const hls = new Hls(VOD_HLS);
    this.hls = hls;
    hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
      const first = !this.details;
      this.details = data.details;
      if (first) this.start();
    });
    hls.on(Hls.Events.FRAG_LOADED, () => {
      this.recoveries = 0;
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      // A segment that timed out on a busy gateway, or a decoder hiccup: hls.js's own recovery,
      // a few times with a growing pause, before the player says it failed.
      if (this.recoveries < MAX_RECOVERIES) {
        this.recoveries += 1;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else
          this.later(() => {
            if (this.hls === hls) hls.startLoad(this.video.currentTime);
          }, 1000 * this.recoveries);
        return;
      }
      this.set({ state: 'error', detail: `${data.type}: ${data.details}` });
    });
    this.scheduleRenew(session.expiresAt);
    hls.loadSource(session.playlistUrl);
    hls.attachMedia(this.video);
  }

  private later(fn: () => void, ms: number) {
    const t = setTimeout(() => {
      if (!this.disposed) fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * The playlist's URL carries a short-lived token: shortly before it runs out, a new session
   * for the same range continues from the picture shown, playing or paused as it was.
   */
  private scheduleRenew(expiresAt: string) {
    const at = Date.parse(expiresAt);
    if (!Number.isFinite(at)) return;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), Math.max(5000, at - Date.now() - RENEW_LEAD_MS));
  }

  /** Opens the last session again at `startWall` (a player that failed, or a renewal). */
  async retry(startWall: number | undefined): Promise<void> {
    if (this.disposed || !this.opened) return;
    const { cameraId, range, stream } = this.opened;
    this.lastRetry = Date.now();
    await this.open(cameraId, range, { stream, startWall, autoplay: this.autoplay });
  }

  /** When `retry` last ran (ms), so a page does not hammer a failing camera. */
  lastRetry = 0;

  private async renew() {
    if (this.disposed || !this.opened) return;
    const { cameraId, range, stream } = this.opened;
    const wall = this.wallNow();
    const paused = this.video.paused;
    await this.open(cameraId, range, { stream, startWall: wall ?? undefined, autoplay: !paused });
  }

  private start() {
    const wall = this.pendingWall;
    this.pendingWall = null;
    this.set({ state: 'ready', detail: null });
    if (wall !== null) this.seekWall(wall);
    this.video.playbackRate = this.rate;
    if (this.autoplay) this.play();
  }

  /**
   * Shows the picture recorded at `wall`. 'gap': nothing was recorded then, the player jumped to
   * where footage resumes; 'outside': after the session's last segment (ask for a new session).
   */
  seekWall(wall: number): 'ok' | 'gap' | 'outside' {
    if (!this.details) {
      this.pendingWall = wall;
      return 'ok';
    }
    const target = wallToMedia(this.frags(), wall);
    if (!target) return 'outside';
    this.video.currentTime = target.media;
    return target.exact ? 'ok' : 'gap';
  }

  seekMedia(media: number): void {
    this.video.currentTime = Math.max(0, media);
  }

  play(): void {
    // play() rejects when a newer seek or pause interrupts it; the state follows the events.
    void this.video.play().catch(() => undefined);
  }

  pause(): void {
    this.video.pause();
  }

  toggle(): void {
    if (this.video.paused) this.play();
    else this.pause();
  }

  setRate(rate: number): void {
    this.rate = rate;
    this.video.playbackRate = rate;
  }

  /** One frame (paused) forward or back. */
  stepFrame(direction: 1 | -1): void {
    this.pause();
    this.seekMedia(this.video.currentTime + direction * FRAME_SECONDS);
  }

  /** Marks the player as showing nothing at this moment (a synced follower in a gap). */
  markGap(gap: boolean): void {
    if (gap && this.status.state !== 'gap') this.set({ state: 'gap' });
    else if (!gap && this.status.state === 'gap')
      this.set({ state: this.video.paused ? 'paused' : 'playing' });
  }

  private teardown() {
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.abort?.abort();
    this.abort = null;
    this.hls?.destroy();
    this.hls = null;
    this.details = null;
    this.session = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  destroy(): void {
    this.disposed = true;
    this.teardown();
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('pause', this.onPause);
  }
}
