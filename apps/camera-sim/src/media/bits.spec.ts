import { BitReader, BitWriter, stopBitIndex, toRbsp } from './bits';

describe('RBSP bits', () => {
  it('round-trips unsigned and signed Exp-Golomb codes and fixed fields', () => {
    const values = [0, 1, 2, 3, 7, 8, 254, 255, 1000, 65535];
    const w = new BitWriter();
    for (const v of values)
      w.ue(v)
        .se(v)
        .se(-v)
        .u(5, v & 31);
    const r = new BitReader(w.finish());
    for (const v of values) {
      expect(r.ue()).toBe(v);
      expect(r.se()).toBe(v);
      expect(r.se()).toBe(v === 0 ? 0 : -v);
      expect(r.u(5)).toBe(v & 31);
    }
  });

  it('writes the codes the standard lists (H.264 Table 9-2)', () => {
    const bits = (w: BitWriter): string => {
      const len = w.bitLength;
      return [...w.finish()]
        .map((b) => b.toString(2).padStart(8, '0'))
        .join('')
        .slice(0, len);
    };
    expect(bits(new BitWriter().ue(0))).toBe('1');
    expect(bits(new BitWriter().ue(3))).toBe('00100');
    expect(bits(new BitWriter().se(-1))).toBe('011');
    expect(bits(new BitWriter().ue(30))).toBe('000011111');
  });

  it('copies bit ranges at any alignment', () => {
    const src = Buffer.from([0b10110011, 0b01011100, 0b11110000]);
    for (const offset of [0, 3, 8]) {
      const w = new BitWriter().u(offset % 8, 0).copy(src, 2, 21);
      const r = new BitReader(w.finish(), offset % 8);
      const s = new BitReader(src, 2);
      for (let i = 2; i < 21; i++) expect(r.bit()).toBe(s.bit());
    }
  });

  it('strips emulation prevention and finds the stop bit', () => {
    expect([...toRbsp(Buffer.from([0, 0, 3, 1, 0, 0, 3, 0]))]).toEqual([0, 0, 1, 0, 0, 0]);
    expect(stopBitIndex(Buffer.from([0xff, 0x80]))).toBe(8);
    expect(stopBitIndex(Buffer.from([0x0c, 0x00]))).toBe(5);
    expect(() => stopBitIndex(Buffer.from([0, 0]))).toThrow('stop bit');
  });

  it('refuses to read past the end or a malformed code', () => {
    expect(() => new BitReader(Buffer.from([0x80]), 8).bit()).toThrow('past the end');
    expect(() => new BitReader(Buffer.alloc(8)).ue()).toThrow();
  });
});
