/** H.264/H.265 Annex-B parsing, SEI clock stamps and RTP packetisation (RFC 6184, RFC 7798). */

export type VideoCodec = 'h264' | 'h265';

export interface AccessUnit {
  nals: Buffer[];
  key: boolean;
}

export interface ParsedClip {
  codec: VideoCodec;
  frames: AccessUnit[];
  vps?: Buffer;
  sps: Buffer;
  pps: Buffer;
}

/** Splits an Annex-B byte stream at 3- and 4-byte start codes; trailing zero bytes are dropped. */
export function splitAnnexB(data: Buffer): Buffer[] {
  const starts: Array<{ at: number; len: number }> = [];
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      const four = i > 0 && data[i - 1] === 0;
      starts.push({ at: four ? i - 1 : i, len: four ? 4 : 3 });
      i += 2;
    }
  }
  const nals: Buffer[] = [];
  for (let k = 0; k < starts.length; k++) {
    const begin = starts[k].at + starts[k].len;
    let end = k + 1 < starts.length ? starts[k + 1].at : data.length;
    while (end > begin && data[end - 1] === 0) end--;
    if (end > begin) nals.push(data.subarray(begin, end));
  }
  return nals;
}

export function nalType(codec: VideoCodec, nal: Buffer): number {
  return codec === 'h264' ? nal[0] & 0x1f : (nal[0] >> 1) & 0x3f;
}

function isVcl(codec: VideoCodec, t: number): boolean {
  return codec === 'h264' ? t >= 1 && t <= 5 : t <= 31;
}

function isKeyNal(codec: VideoCodec, t: number): boolean {
  return codec === 'h264' ? t === 5 : t >= 16 && t <= 21;
}

/** first_mb_in_slice == 0 (H.264) or first_slice_segment_in_pic_flag (H.265): a new picture starts. */
function firstSliceOfPicture(codec: VideoCodec, nal: Buffer): boolean {
  return codec === 'h264' ? (nal[1] & 0x80) !== 0 : (nal[2] & 0x80) !== 0;
}

const AUD = { h264: 9, h265: 35 } as const;
const PARAM = { h264: { sps: 7, pps: 8 }, h265: { vps: 32, sps: 33, pps: 34 } } as const;

/** Groups NAL units into access units (one per picture), drops AUDs, makes every keyframe self-contained. */
export function parseClip(codec: VideoCodec, data: Buffer): ParsedClip {
  const nals = splitAnnexB(data);
  const frames: AccessUnit[] = [];
  let cur: Buffer[] = [];
  let curHasVcl = false;
  let vps: Buffer | undefined;
  let sps: Buffer | undefined;
  let pps: Buffer | undefined;
  const flush = (): void => {
    if (curHasVcl) frames.push({ nals: cur, key: cur.some((n) => isKeyNal(codec, nalType(codec, n))) });
    cur = [];
    curHasVcl = false;
  };
  for (const nal of nals) {
    const t = nalType(codec, nal);
    if (codec === 'h264') {
      if (t === PARAM.h264.sps) sps ??= nal;
      if (t === PARAM.h264.pps) pps ??= nal;
    } else {
      if (t === PARAM.h265.vps) vps ??= nal;
      if (t === PARAM.h265.sps) sps ??= nal;
      if (t === PARAM.h265.pps) pps ??= nal;
    }
    const vcl = isVcl(codec, t);
    if (curHasVcl && (!vcl || firstSliceOfPicture(codec, nal))) flush();
    if (t === AUD[codec]) continue;
    cur.push(nal);
    if (vcl) curHasVcl = true;
  }
  flush();
  if (!sps || !pps || (codec === 'h265' && !vps)) throw new Error(`clip has no parameter sets (${codec})`);
  const params = codec === 'h265' ? [vps!, sps, pps] : [sps, pps];
  for (const f of frames) {
    if (f.key && !f.nals.some((n) => nalType(codec, n) === nalType(codec, sps)))
      f.nals = [...params, ...f.nals];
  }
  const firstKey = frames.findIndex((f) => f.key);
  if (firstKey < 0) throw new Error('clip has no keyframe');
  return { codec, frames: frames.slice(firstKey), vps, sps, pps };
}

/** Inserts emulation-prevention bytes (00 00 0x → 00 00 03 0x for x ≤ 3). */
export function addEmulationPrevention(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/**
 * UUID of the sim's user_data_unregistered SEI: the ASCII bytes "XUELIANG-SIMCLK1". Its payload is
 * ASCII `wallclock_ms=<ms since epoch>;rtp=<RTP timestamp>`: the sim's wall clock when it sent the
 * keyframe, so a viewer can compute live-edge latency as now − wallclock_ms.
 */
const CLOCK_SEI_UUID = Buffer.from('XUELIANG-SIMCLK1', 'ascii');

export function clockSei(codec: VideoCodec, wallClockMs: number, rtpTimestamp: number): Buffer {
  const payload = Buffer.concat([
    CLOCK_SEI_UUID,
    Buffer.from(`wallclock_ms=${wallClockMs};rtp=${rtpTimestamp}`, 'ascii'),
  ]);
  const size: number[] = [];
  let n = payload.length;
  while (n >= 255) {
    size.push(255);
    n -= 255;
  }
  size.push(n);
  const rbsp = Buffer.concat([Buffer.from([5, ...size]), payload, Buffer.from([0x80])]);
  const header = codec === 'h264' ? Buffer.from([0x06]) : Buffer.from([39 << 1, 0x01]);
  return Buffer.concat([header, addEmulationPrevention(rbsp)]);
}

/** Reads the clock SEI back (tests, benchmarks). */
export function readClockSei(nal: Buffer): { wallClockMs: number; rtp: number } | undefined {
  const at = nal.indexOf(CLOCK_SEI_UUID);
  if (at < 0) return undefined;
  const m = /wallclock_ms=(\d+);rtp=(\d+)/.exec(nal.subarray(at + 16).toString('latin1'));
  return m ? { wallClockMs: Number(m[1]), rtp: Number(m[2]) } : undefined;
}

/** Inserts the SEI after the parameter sets, right before the first slice. */
export function withSei(codec: VideoCodec, au: AccessUnit, sei: Buffer): Buffer[] {
  return beforeFirstSlice(codec, au.nals, sei);
}

export function beforeFirstSlice(codec: VideoCodec, nals: Buffer[], nal: Buffer): Buffer[] {
  const i = nals.findIndex((n) => isVcl(codec, nalType(codec, n)));
  return [...nals.slice(0, i), nal, ...nals.slice(i)];
}

const RTP_PAYLOAD_TYPE = 96;
/** Keeps every RTP packet inside a 1500-byte Ethernet frame with room for headers. */
const MAX_RTP_PAYLOAD = 1400;

export interface RtpState {
  seq: number;
  ssrc: number;
}

function rtpHeader(state: RtpState, timestamp: number, marker: boolean): Buffer {
  const h = Buffer.allocUnsafe(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | RTP_PAYLOAD_TYPE;
  h.writeUInt16BE(state.seq, 2);
  h.writeUInt32BE(timestamp >>> 0, 4);
  h.writeUInt32BE(state.ssrc >>> 0, 8);
  state.seq = (state.seq + 1) & 0xffff;
  return h;
}

/** RTP payloads for one NAL unit: single NAL unit packet or fragmentation units. */
export function nalPayloads(codec: VideoCodec, nal: Buffer, max = MAX_RTP_PAYLOAD): Buffer[] {
  if (nal.length <= max) return [nal];
  const out: Buffer[] = [];
  if (codec === 'h264') {
    const indicator = (nal[0] & 0xe0) | 28;
    const type = nal[0] & 0x1f;
    let off = 1;
    while (off < nal.length) {
      const end = Math.min(nal.length, off + max - 2);
      const fuHeader = (off === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
      out.push(Buffer.concat([Buffer.from([indicator, fuHeader]), nal.subarray(off, end)]));
      off = end;
    }
  } else {
    const type = (nal[0] >> 1) & 0x3f;
    const ph0 = (nal[0] & 0x81) | (49 << 1);
    const ph1 = nal[1];
    let off = 2;
    while (off < nal.length) {
      const end = Math.min(nal.length, off + max - 3);
      const fuHeader = (off === 2 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
      out.push(Buffer.concat([Buffer.from([ph0, ph1, fuHeader]), nal.subarray(off, end)]));
      off = end;
    }
  }
  return out;
}

/** RTP packets of one access unit; marker set on the last packet of the picture. */
export function packetizeAccessUnit(
  codec: VideoCodec,
  nals: Buffer[],
  timestamp: number,
  state: RtpState,
): Buffer[] {
  const payloads = nals.flatMap((n) => nalPayloads(codec, n));
  return payloads.map((p, i) => Buffer.concat([rtpHeader(state, timestamp, i === payloads.length - 1), p]));
}

/** RTSP interleaved framing ('$', channel, length) of a batch of RTP packets, channel patched per client. */
export interface InterleavedFrame {
  data: Buffer;
  channelOffsets: number[];
}

export function interleave(packets: Buffer[]): InterleavedFrame {
  const total = packets.reduce((s, p) => s + 4 + p.length, 0);
  const data = Buffer.allocUnsafe(total);
  const channelOffsets: number[] = [];
  let off = 0;
  for (const p of packets) {
    data[off] = 0x24;
    data[off + 1] = 0;
    channelOffsets.push(off + 1);
    data.writeUInt16BE(p.length, off + 2);
    p.copy(data, off + 4);
    off += 4 + p.length;
  }
  return { data, channelOffsets };
}

export function forChannel(frame: InterleavedFrame, channel: number): Buffer {
  if (channel === 0) return frame.data;
  const copy = Buffer.from(frame.data);
  for (const o of frame.channelOffsets) copy[o] = channel;
  return copy;
}

/** SDP media section for the clip (sprop parameter sets so players start without in-band headers). */
export function sdpMedia(
  clip: ParsedClip,
  control: string,
  width: number,
  height: number,
  fps: number,
): string {
  const b64 = (b: Buffer): string => b.toString('base64');
  const lines = ['m=video 0 RTP/AVP 96', 'c=IN IP4 0.0.0.0', 'b=AS:500'];
  if (clip.codec === 'h264') {
    const pli = clip.sps.subarray(1, 4).toString('hex');
    lines.push(
      'a=rtpmap:96 H264/90000',
      `a=fmtp:96 packetization-mode=1;profile-level-id=${pli};sprop-parameter-sets=${b64(clip.sps)},${b64(clip.pps)}`,
    );
  } else {
    lines.push(
      'a=rtpmap:96 H265/90000',
      `a=fmtp:96 sprop-vps=${b64(clip.vps!)};sprop-sps=${b64(clip.sps)};sprop-pps=${b64(clip.pps)}`,
    );
  }
  lines.push(`a=framerate:${fps}`, `a=x-dimensions:${width},${height}`, `a=control:${control}`, 'a=recvonly');
  return lines.join('\r\n');
}
