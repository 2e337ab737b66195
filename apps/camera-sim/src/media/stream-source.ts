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
} from './h26x';

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
 */
export class StreamSource {
  private readonly rtp: RtpState = { seq: randomInt(0, 0xffff), ssrc: randomInt(1, 0xffffffff) };
  private readonly tsBase = randomInt(0, 0x7fffffff);
  private readonly tsStep: number;
  private readonly intervalMs: number;
  private readonly subs = new Set<Subscriber>();
  private frameNo = 0;
  private timer: NodeJS.Timeout | undefined;
  private startAt = 0;
  private startFrame = 0;
  private last = { rtpTimestamp: 0, wallClockMs: 0 };
  /** RTP packets each clip frame takes (the keyframes' clock SEI is one more, always small). */
  private readonly packetsPerFrame: number[];

  constructor(
    private readonly clip: ParsedClip,
    fps: number,
  ) {
    this.tsStep = Math.round(90000 / fps);
    this.intervalMs = 1000 / fps;
    this.packetsPerFrame = clip.frames.map(
      (f) => f.nals.reduce((n, nal) => n + nalPayloads(clip.codec, nal).length, 0) + (f.key ? 1 : 0),
    );
  }

  get ssrc(): number {
    return this.rtp.ssrc;
  }

  /**
   * Sequence number and RTP time of the first packet a client joining now will get (the next
   * keyframe), for RTP-Info in the PLAY reply: players anchor their timeline on it.
   */
  next(): { seq: number; rtptime: number } {
    const frames = this.clip.frames;
    let k = this.frameNo;
    let packets = 0;
    while (!frames[k % frames.length]!.key) packets += this.packetsPerFrame[k++ % frames.length]!;
    return { seq: (this.rtp.seq + packets) & 0xffff, rtptime: (this.tsBase + k * this.tsStep) >>> 0 };
  }

  add(sink: FrameSink, onDead: () => void): () => void {
    const sub: Subscriber = { sink, waitingForKey: true, onDead };
    this.subs.add(sub);
    if (!this.timer) {
      this.startAt = Date.now();
      this.startFrame = this.frameNo;
      this.schedule();
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
    const frames = this.clip.frames;
    const au = frames[this.frameNo % frames.length]!;
    const ts = (this.tsBase + this.frameNo * this.tsStep) >>> 0;
    const now = Date.now();
    const nals = au.key ? withSei(this.clip.codec, au, clockSei(this.clip.codec, now, ts)) : au.nals;
    const frame: InterleavedFrame = interleave(packetizeAccessUnit(this.clip.codec, nals, ts, this.rtp));
    this.frameNo++;
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
