/**
 * Wall-clock time of a recorded frame, from the stream itself and not from file names or file
 * times: ffmpeg's progress line reports, about twice a second, `time=` = the output timestamp
 * of the newest frame it has written. Copy mode writes a frame as soon as it arrives, so
 * `receivedAt − time` (the receive clock of the newest frame minus its stream time) is the
 * offset of the run's timeline to the wall clock, plus transport and pipe latency. Every
 * sample can only be late, never early, so the smallest offset over a sliding window is the
 * best estimate, and the window lets it follow a camera whose clock drifts from ours. The
 * camera's own clock is not trusted (many field cameras are minutes off and their RTCP sender
 * reports are optional); the simulator's clock SEI is used by the tests to prove the result.
 * A camera that bursts its current GOP on connect (most do, the sim too) does not fool this:
 * the burst ends with the live frame, and only the newest frame is ever paired with `now`.
 */
export class WallClockAnchor {
  private samples: { at: number; offsetMs: number }[] = [];
  private best: number | undefined;
  private count = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** Offset (ms) such that wall = offset + streamSeconds·1000; undefined before the first sample. */
  get offsetMs(): number | undefined {
    return this.best;
  }

  /**
   * Enough samples to trust the offset: the first progress lines of a run come while ffmpeg is
   * still catching up with its input, and over-estimate the offset by up to a second.
   */
  settled(minSamples = 4): boolean {
    return this.best !== undefined && this.count >= minSamples;
  }

  /** Restores a persisted offset (recovery of a dead run). */
  seed(offsetMs: number): void {
    this.best = offsetMs;
    this.samples = [{ at: -Infinity, offsetMs }];
    this.count = Infinity;
  }

  /** Feeds one stderr line; true when the offset changed. */
  observe(line: string, nowMs: number): boolean {
    const streamSeconds = parseStatsTime(line);
    if (streamSeconds === undefined) return false;
    return this.sample(nowMs - streamSeconds * 1000, nowMs);
  }

  sample(offsetMs: number, nowMs: number): boolean {
    this.samples.push({ at: nowMs, offsetMs });
    this.count++;
    const keepFrom = nowMs - this.windowMs;
    // Keep at least the newest sample; older ones leave the window.
    while (this.samples.length > 1 && this.samples[0].at < keepFrom) this.samples.shift();
    let min = Infinity;
    for (const s of this.samples) min = Math.min(min, s.offsetMs);
    const changed = this.best === undefined || Math.round(min) !== Math.round(this.best);
    this.best = min;
    return changed;
  }

  wallMs(streamSeconds: number): number | undefined {
    return this.best === undefined ? undefined : Math.round(this.best + streamSeconds * 1000);
  }
}

/** `time=HH:MM:SS.cc` of an ffmpeg progress line, in seconds; undefined for other lines and N/A. */
export function parseStatsTime(line: string): number | undefined {
  const m = /\btime=(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(line);
  if (!m || m[1] === '-') return undefined;
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}
