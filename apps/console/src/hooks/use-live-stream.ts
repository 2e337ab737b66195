import { useEffect, useRef, useState, type RefObject } from 'react';
import Hls, { type HlsConfig } from 'hls.js';
import { LIVE_ERROR_CODES, type LiveErrorCode, type StreamKind } from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { camerasApi } from '../api/endpoints';

/** busy: the camera is fine but its gateway runs as many streams (or transcodes) as it may. */
export type LiveState = 'idle' | 'connecting' | 'starting' | 'playing' | 'offline' | 'busy' | 'error';

export interface LiveStatus {
  state: LiveState;
  /** Seconds until the next automatic attempt, while waiting to retry. */
  retryIn: number | null;
  detail: string | null;
  /** Why the gateway refused, while busy. */
  refusal?: LiveErrorCode;
}

/**
 * Low latency first: a wall is for watching now, not for smooth playback of the past. The
 * gateway cuts 1 s segments and keeps 6 in the playlist, so 1.5 s behind the edge leaves room for
 * one late segment; drifting back is corrected by playing at up to 1.2× (barely visible) rather
 * than by a jump, and only past 5 s does hls.js seek to the edge.
 */
const LOW_LATENCY_HLS: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDuration: 1.5,
  liveMaxLatencyDuration: 5,
  maxLiveSyncPlaybackRate: 1.2,
  backBufferLength: 10,
  maxBufferLength: 6,
  enableWorker: true,
  manifestLoadingMaxRetry: 2,
  levelLoadingMaxRetry: 2,
  fragLoadingMaxRetry: 2,
};

const MAX_BACKOFF_MS = 30_000;
/** Renew the session this long before the token in the URL expires. */
const RENEW_LEAD_MS = 30_000;
/** A playing stream whose clock has not moved for this long is treated as dead. */
const STALL_MS = 15_000;

/** A gateway at capacity (503 with a LIVE_ERROR_CODES code), not an offline camera. */
function refusalOf(err: unknown): LiveErrorCode | undefined {
  if (!(err instanceof ApiRequestError) || err.status !== 503) return undefined;
  const code = err.body.code;
  return (LIVE_ERROR_CODES as readonly unknown[]).includes(code) ? (code as LiveErrorCode) : undefined;
}

function isOfflineAnswer(err: unknown): boolean {
  if (!(err instanceof ApiRequestError)) return false;
  const msg = String(err.body.message ?? '').toLowerCase();
  return err.status === 409 || err.status === 503 || msg.includes('offline') || msg.includes('离线');
}

/**
 * Plays one camera into `videoRef` and keeps it playing: retry with backoff, a fresh live session
 * before the token expires and after any fatal error, and a stall watchdog.
 */
export function useLiveStream(
  videoRef: RefObject<HTMLVideoElement | null>,
  cameraId: string | null,
  stream: StreamKind,
  cameraOffline = false,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>({ state: 'idle', retryIn: null, detail: null });
  const offlineRef = useRef(cameraOffline);
  offlineRef.current = cameraOffline;

  useEffect(() => {
    const video = videoRef.current;
    if (!cameraId || !video) {
      setStatus({ state: 'idle', retryIn: null, detail: null });
      return;
    }
    let disposed = false;
    let hls: Hls | null = null;
    let attempt = 0;
    let abort: AbortController | null = null;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!disposed) fn();
      }, ms);
      timers.add(t);
    };
    const clearTimers = () => {
      timers.forEach(clearTimeout);
      timers.clear();
    };
    const teardown = () => {
      hls?.destroy();
      hls = null;
      video.removeAttribute('src');
      video.load();
    };

    const scheduleRetry = (state: LiveState, detail: string | null, refusal?: LiveErrorCode) => {
      clearTimers();
      teardown();
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) + Math.random() * 500;
      attempt += 1;
      const due = Date.now() + delay;
      const tick = () => {
        const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
        setStatus({ state, retryIn: left, detail, refusal });
        if (left > 0) later(tick, 1000);
      };
      tick();
      later(start, delay);
    };

    const renew = async () => {
      try {
        const session = await camerasApi.live(cameraId, stream);
        if (disposed) return;
        if (hls) hls.loadSource(session.hlsUrl);
        else video.src = session.hlsUrl;
        scheduleRenew(session.expiresAt);
      } catch (err) {
        const refusal = refusalOf(err);
        if (refusal) scheduleRetry('busy', (err as Error).message, refusal);
        else scheduleRetry(isOfflineAnswer(err) ? 'offline' : 'error', (err as Error).message);
      }
    };
    const scheduleRenew = (expiresAt: string) => {
      const ms = new Date(expiresAt).getTime() - Date.now() - RENEW_LEAD_MS;
      later(() => void renew(), Math.max(5_000, ms));
    };

    let lastTime = -1;
    let lastMove = Date.now();
    const watchdog = () => {
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        lastMove = Date.now();
      } else if (Date.now() - lastMove > STALL_MS) {
        scheduleRetry('error', 'stalled');
        return;
      }
      later(watchdog, 2000);
    };

    const onPlaying = () => {
      attempt = 0;
      setStatus({ state: 'playing', retryIn: null, detail: null });
    };
    video.addEventListener('playing', onPlaying);

    async function start() {
      setStatus({ state: 'connecting', retryIn: null, detail: null });
      abort?.abort();
      abort = new AbortController();
      let session;
      try {
        session = await camerasApi.live(cameraId!, stream, abort.signal);
      } catch (err) {
        if (disposed || (err as Error).name === 'AbortError') return;
        const refusal = refusalOf(err);
        if (refusal && !offlineRef.current) {
          scheduleRetry('busy', (err as Error).message, refusal);
          return;
        }
        scheduleRetry(
          isOfflineAnswer(err) || offlineRef.current ? 'offline' : 'error',
          (err as Error).message,
        );
        return;
      }
      if (disposed) return;
      setStatus({ state: 'starting', retryIn: null, detail: null });
      scheduleRenew(session.expiresAt);
      lastMove = Date.now();
      later(watchdog, 2000);
      video!.muted = true;
      // play() rejects when a newer load or pause interrupts it; a stream that never plays is the
      // watchdog's to notice, so the rejections below are dropped.
      if (Hls.isSupported()) {
        hls = new Hls(LOW_LATENCY_HLS);
        hls.on(Hls.Events.MANIFEST_PARSED, () => void video!.play().catch(() => undefined));
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (!data.fatal) return;
          scheduleRetry('error', `${data.type}: ${data.details}`);
        });
        hls.loadSource(session.hlsUrl);
        hls.attachMedia(video!);
      } else if (video!.canPlayType('application/vnd.apple.mpegurl')) {
        video!.src = session.hlsUrl;
        void video!.play().catch(() => undefined);
      } else {
        setStatus({ state: 'error', retryIn: null, detail: 'unsupported' });
      }
    }

    void start();
    return () => {
      disposed = true;
      abort?.abort();
      clearTimers();
      video.removeEventListener('playing', onPlaying);
      teardown();
    };
  }, [videoRef, cameraId, stream]);

  return status;
}
