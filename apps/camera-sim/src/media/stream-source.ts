import { randomInt } from 'node:crypto';
import {
  clockSei,
  forChannel,
  interleave,
  InterleavedFrame,
  nalPayloads,
  packetizeAccessUnit,
  ParsedClip,
  RtpState,
  withSei,
  beforeFirstSlice,
} from './h26x';
import { OsdPainter } from './osd';

export interface StreamClock {
  /** RTP timestamp (90 kHz) of the last frame sent. */
  rtpTimestamp: number;
  /** Sim wall clock when that frame was sent. */
  wallClockMs: number;
  framesSent: number;
  clients: number;
  ssrc: number;
}

export interface FrameSink {
  /** Interleaved RTP channel the client chose in SETUP. */
  readonly channel: number;
  /** Returns false when the sink is gone and should be dropped. */
  write(data: Buffer): boolean;
  /** Bytes queued in the socket: the congestion signal. */
  backlog(): number;
}

/** Above this a client is congested: drop frames until the next keyframe, like a camera's encoder does. */
const CONGESTED_BYTES = 2 * 1024 * 1024;
/** Far behind (a stalled reader): give up on it. */
const DEAD_BYTES = 16 * 1024 * 1024;

interface Subscriber {
  sink: FrameSink;
  waitingForKey: boolean;
  onDead: () => void;
}

/**
 * One live stream (camera × main/sub): loops the clip in real time, packetises each frame once and
 * writes it to every client. RTP timestamps and sequence numbers run on across loop boundaries and
 * across idle periods; every keyframe carries a clock SEI with the wall-clock send time.
 *
 * A new client starts on a keyframe at once, as real cameras (Hikvision, Dahua, Axis) do by forcing
 * an IDR on PLAY, instead of waiting up to a GOP for the next one:
 * - stream running: it gets the current GOP so far (the keyframe and every frame since, exactly the
 *   packets the other clients got: same sequence numbers, RTP timestamps and clock SEI) in one
 *   burst, then the live frames. The bursted keyframe's SEI keeps the wall clock of when that frame
 *   was first sent ("captured"), so now − wallclock_ms stays the true age of the picture;
 * - stream idle: the clip resumes from the keyframe that opens its current GOP (nobody saw the
 *   skipped-back frames), so the first frame sent is a keyframe stamped with the current time.
 */
export class StreamSource {
  private readonly rtp: RtpState = { seq: randomInt(0, 0xffff), ssrc: randomInt(1, 0xffffffff) };
  private readonly tsBase = randomInt(0, 0x7fffffff);
  private readonly tsStep: number;
  private readonly intervalMs: number;
  private readonly subs = new Set<Subscriber>();
  /** Frames sent (the RTP clock); the clip position is frameNo + clipShift. */
  private frameNo = 0;
  private clipShift = 0;
  private timer: NodeJS.Timeout | undefined;
  private startAt = 0;
  private startFrame = 0;
  private last = { rtpTimestamp: 0, wallClockMs: 0 };
  /** The current GOP as sent: its keyframe first. Empty while idle (it would be stale). */
  private gop: InterleavedFrame[] = [];
  /** RTP packets each clip frame takes (the keyframes' clock SEI is one more, always small). */
  private readonly packetsPerFrame: number[];

  constructor(
    private readonly clip: ParsedClip,
    fps: number,
    /** Draws the date, time and PTZ band on H.264 streams (see osd.ts); absent for H.265. */
    private readonly osd?: OsdPainter,
  ) {
    this.tsStep = Math.round(90000 / fps);
    this.intervalMs = 1000 / fps;
    // A keyframe also carries the clock SEI; with an OSD every frame carries a band slice, which
    // this counts as its skip-only size (one packet): bands with changed text may take more.
    this.packetsPerFrame = clip.frames.map(
      (f) =>
        f.nals.reduce((n, nal) => n + nalPayloads(clip.codec, nal).length, 0) +
        (f.key ? 1 : 0) +
        (osd ? 1 : 0),
    );
  }

  get ssrc(): number {
    return this.rtp.ssrc;
  }

  /**
   * Sequence number and RTP time of the first packet a client joining now will get (the cached
   * keyframe, or the next one), for RTP-Info in the PLAY reply: players anchor their timeline on it.
   */
  next(): { seq: number; rtptime: number } {
    const cached = this.gop[0];
    if (cached) return { seq: cached.data.readUInt16BE(6), rtptime: cached.data.readUInt32BE(8) };
    const frames = this.clip.frames;
    const shift = this.timer ? this.clipShift : this.resumeShift();
    let k = this.frameNo;
    let packets = 0;
    while (!frames[this.clipIndex(k, shift)].key) packets += this.packetsPerFrame[this.clipIndex(k++, shift)];
    return { seq: (this.rtp.seq + packets) & 0xffff, rtptime: (this.tsBase + k * this.tsStep) >>> 0 };
  }

  add(sink: FrameSink, onDead: () => void): () => void {
    const sub: Subscriber = { sink, waitingForKey: true, onDead };
    this.subs.add(sub);
    if (!this.timer) {
      this.clipShift = this.resumeShift();
      this.startAt = Date.now();
      this.startFrame = this.frameNo;
      this.schedule();
    } else if (this.gop.length > 0) {
      sub.waitingForKey = false;
      for (const frame of this.gop) {
        if (!sink.write(forChannel(frame, sink.channel))) {
          this.subs.delete(sub);
          onDead();
          break;
        }
      }
    }
    return () => {
      this.subs.delete(sub);
      if (this.subs.size === 0) this.halt();
    };
  }

  clock(): StreamClock {
    return { ...this.last, framesSent: this.frameNo, clients: this.subs.size, ssrc: this.rtp.ssrc };
  }

  halt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.gop = [];
  }

  private clipIndex(frameNo: number, shift = this.clipShift): number {
    const n = this.clip.frames.length;
    return (((frameNo + shift) % n) + n) % n;
  }

  /** The clip shift that puts the next frame on the keyframe opening the current GOP. */
  private resumeShift(): number {
    const frames = this.clip.frames;
    let back = 0;
    // The clip starts with a keyframe (parseClip), so this ends within one loop.
    while (!frames[this.clipIndex(this.frameNo - back)].key) back++;
    return (this.clipShift - back) % frames.length;
  }
  private schedule(): void {
    const due = this.startAt + (this.frameNo - this.startFrame) * this.intervalMs;
    let delay = due - Date.now();
    if (delay < -1000) {
      // The event loop stalled for over a second: re-anchor instead of bursting the backlog.
      this.startAt = Date.now();
      this.startFrame = this.frameNo;
      delay = 0;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, delay));
  }

  private tick(): void {
    if (this.subs.size === 0) {
      this.halt();
      return;
    }
    const index = this.clipIndex(this.frameNo);
    const au = this.clip.frames[index];
    const ts = (this.tsBase + this.frameNo * this.tsStep) >>> 0;
    const now = Date.now();
    let nals = au.key ? withSei(this.clip.codec, au, clockSei(this.clip.codec, now, ts)) : au.nals;
    if (this.osd) nals = beforeFirstSlice(this.clip.codec, nals, this.osd.slice(index));
    const frame: InterleavedFrame = interleave(packetizeAccessUnit(this.clip.codec, nals, ts, this.rtp));
    this.frameNo++;
    if (au.key) this.gop = [];
    this.gop.push(frame);
    this.last = { rtpTimestamp: ts, wallClockMs: now };
    for (const sub of [...this.subs]) this.deliver(sub, frame, au.key);
    if (this.subs.size > 0) this.schedule();
    else this.halt();
  }

  private deliver(sub: Subscriber, frame: InterleavedFrame, key: boolean): void {
    const backlog = sub.sink.backlog();
    if (backlog > DEAD_BYTES) {
      this.subs.delete(sub);
      sub.onDead();
      return;
    }
    if (backlog > CONGESTED_BYTES) sub.waitingForKey = true;
    if (sub.waitingForKey && !key) return;
    if (sub.waitingForKey && backlog > CONGESTED_BYTES) return;
    sub.waitingForKey = false;
    if (!sub.sink.write(forChannel(frame, sub.sink.channel))) {
      this.subs.delete(sub);
      sub.onDead();
    }
  }
}
