/**
 * Just enough MPEG-TS to look inside a recorded segment without ffprobe: the video PES packets
 * (stream ids 0xE0-0xEF) with their PTS and payload. Used to measure a salvaged segment's
 * duration after a crash, and by the tests to read the simulator's clock SEI from a segment.
 */

const PACKET = 188;
const PTS_HZ = 90_000;

export interface VideoPes {
  /** Presentation time in 90 kHz ticks (33 bits), undefined when the PES carries none. */
  pts: number | undefined;
  /** The elementary stream bytes (H.264/H.265 Annex B). */
  data: Buffer;
  /** Byte offset in the file of the TS packet that starts it. */
  offset: number;
}

function readPts(b: Buffer, at: number): number {
  return (
    ((b[at] >> 1) & 0x07) * 2 ** 30 + ((b.readUInt16BE(at + 1) >> 1) << 15) + (b.readUInt16BE(at + 3) >> 1)
  );
}

/** Video PES packets in file order; a truncated tail packet is ignored. */
export function videoPes(ts: Buffer): VideoPes[] {
  const out: VideoPes[] = [];
  let videoPid: number | undefined;
  let current: { pts: number | undefined; parts: Buffer[]; offset: number } | undefined;
  const flush = (): void => {
    if (current) out.push({ pts: current.pts, data: Buffer.concat(current.parts), offset: current.offset });
    current = undefined;
  };
  for (let off = 0; off + PACKET <= ts.length; off += PACKET) {
    if (ts[off] !== 0x47) continue;
    const pusi = (ts[off + 1] & 0x40) !== 0;
    const pid = ((ts[off + 1] & 0x1f) << 8) | ts[off + 2];
    const afc = (ts[off + 3] >> 4) & 0x03;
    let p = off + 4;
    if (afc === 2 || afc === 0) continue;
    if (afc === 3) p += 1 + ts[off + 4];
    if (p >= off + PACKET) continue;
    if (pusi) {
      const isPes = ts[p] === 0 && ts[p + 1] === 0 && ts[p + 2] === 1;
      const streamId = ts[p + 3];
      if (isPes && streamId >= 0xe0 && streamId <= 0xef && (videoPid === undefined || videoPid === pid)) {
        videoPid = pid;
        flush();
        const hasPts = (ts[p + 7] & 0x80) !== 0;
        const headerLength = ts[p + 8];
        current = { pts: hasPts ? readPts(ts, p + 9) : undefined, parts: [], offset: off };
        p += 9 + headerLength;
        if (p < off + PACKET) current.parts.push(ts.subarray(p, off + PACKET));
        continue;
      }
    }
    if (pid === videoPid && current) current.parts.push(ts.subarray(p, off + PACKET));
  }
  flush();
  return out;
}

/**
 * Seconds of video in a segment: last PTS − first PTS plus one frame (the frame interval
 * estimated from the PTS steps). 0 when fewer than two timed frames.
 */
export function tsDurationSeconds(ts: Buffer): number {
  const pts = videoPes(ts)
    .map((p) => p.pts)
    .filter((v): v is number => v !== undefined);
  if (pts.length < 2) return 0;
  const first = Math.min(...pts);
  const last = Math.max(...pts);
  const step = (last - first) / (pts.length - 1);
  return (last - first + step) / PTS_HZ;
}

/**
 * A truncated segment (its writer died mid-file) cut back to what a player can use: whole TS
 * packets only, and without its last video frame, which may be incomplete. undefined when less
 * than `minSeconds` of video would be left.
 */
export function trimTruncated(ts: Buffer, minSeconds: number): Buffer | undefined {
  const whole = ts.subarray(0, ts.length - (ts.length % PACKET));
  const pes = videoPes(whole);
  if (pes.length < 3) return undefined;
  const cut = whole.subarray(0, pes[pes.length - 1].offset);
  return tsDurationSeconds(cut) >= minSeconds ? cut : undefined;
}
