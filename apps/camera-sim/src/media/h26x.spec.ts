import {
  addEmulationPrevention,
  clockSei,
  forChannel,
  interleave,
  nalPayloads,
  packetizeAccessUnit,
  parseClip,
  readClockSei,
  splitAnnexB,
} from './h26x';

const sc4 = Buffer.from([0, 0, 0, 1]);
const sc3 = Buffer.from([0, 0, 1]);

describe('Annex-B and access units', () => {
  it('splits at 3- and 4-byte start codes', () => {
    const data = Buffer.concat([
      sc4,
      Buffer.from([0x67, 1, 2]),
      sc3,
      Buffer.from([0x68, 3]),
      sc4,
      Buffer.from([0x65, 0x88, 9]),
    ]);
    expect(splitAnnexB(data).map((n) => [...n])).toEqual([
      [0x67, 1, 2],
      [0x68, 3],
      [0x65, 0x88, 9],
    ]);
  });

  it('groups NAL units into pictures and repeats parameter sets on keyframes', () => {
    const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1e]);
    const pps = Buffer.from([0x68, 0xce]);
    const idr = Buffer.from([0x65, 0x88, 1]);
    const p1 = Buffer.from([0x41, 0x9a, 2]);
    const idr2 = Buffer.from([0x65, 0x88, 3]);
    const clip = parseClip('h264', Buffer.concat([sc4, sps, sc4, pps, sc4, idr, sc4, p1, sc4, idr2]));
    expect(clip.frames.map((f) => f.key)).toEqual([true, false, true]);
    expect(clip.frames[2].nals.map((n) => n[0])).toEqual([0x67, 0x68, 0x65]);
    expect(clip.sps.subarray(1, 4).toString('hex')).toBe('42c01e');
  });
});

describe('RTP packetisation', () => {
  it('sends small NAL units whole', () => {
    expect(nalPayloads('h264', Buffer.alloc(100, 1))).toHaveLength(1);
  });

  it('fragments large H.264 NAL units as FU-A with start/end bits', () => {
    const nal = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(3000, 7)]);
    const parts = nalPayloads('h264', nal, 1400);
    expect(parts.length).toBe(3);
    expect(parts.map((p) => p[0])).toEqual([0x7c, 0x7c, 0x7c]); // NRI 3, type 28
    expect(parts.map((p) => p[1])).toEqual([0x85, 0x05, 0x45]);
    expect(parts.reduce((s, p) => s + p.length - 2, 0)).toBe(nal.length - 1);
  });

  it('fragments large H.265 NAL units as FU (type 49)', () => {
    const nal = Buffer.concat([Buffer.from([19 << 1, 1]), Buffer.alloc(2000, 7)]);
    const parts = nalPayloads('h265', nal, 1400);
    expect(parts.length).toBe(2);
    expect((parts[0][0] >> 1) & 0x3f).toBe(49);
    expect(parts.map((p) => p[2])).toEqual([0x80 | 19, 0x40 | 19]);
  });

  it('numbers packets, sets the marker on the last one and interleaves per channel', () => {
    const state = { seq: 0xffff, ssrc: 0x1234 };
    const pkts = packetizeAccessUnit('h264', [Buffer.alloc(10, 1), Buffer.alloc(10, 2)], 90000, state);
    expect(pkts.map((p) => p.readUInt16BE(2))).toEqual([0xffff, 0]);
    expect(pkts.map((p) => p[1] & 0x80)).toEqual([0, 0x80]);
    expect(pkts[0].readUInt32BE(4)).toBe(90000);
    const frame = interleave(pkts);
    const ch2 = forChannel(frame, 2);
    expect([ch2[0], ch2[1], ch2.readUInt16BE(2)]).toEqual([0x24, 2, 22]);
    expect(frame.data[1]).toBe(0);
  });
});

describe('clock SEI', () => {
  it('inserts emulation prevention bytes', () => {
    expect([...addEmulationPrevention(Buffer.from([0, 0, 1, 0, 0, 0, 5]))]).toEqual([
      0, 0, 3, 1, 0, 0, 3, 0, 5,
    ]);
  });

  it.each(['h264', 'h265'] as const)('round-trips wall clock and RTP time (%s)', (codec) => {
    const sei = clockSei(codec, 1795447101941, 2054016003);
    expect(codec === 'h264' ? sei[0] & 0x1f : (sei[0] >> 1) & 0x3f).toBe(codec === 'h264' ? 6 : 39);
    expect(readClockSei(sei)).toEqual({ wallClockMs: 1795447101941, rtp: 2054016003 });
  });
});
