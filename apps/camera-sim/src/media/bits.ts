/** Bit-level reading and writing of H.264 RBSPs (Exp-Golomb codes, ITU-T H.264 §7.2, §9.1). */

/** Removes emulation-prevention bytes (00 00 03 → 00 00) from a NAL unit's payload. */
export function toRbsp(ebsp: Buffer): Buffer {
  const out = Buffer.allocUnsafe(ebsp.length);
  let n = 0;
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** Bit index of the RBSP stop bit (the last 1 bit): the payload ends just before it. */
export function stopBitIndex(rbsp: Buffer): number {
  let i = rbsp.length - 1;
  while (i >= 0 && rbsp[i] === 0) i--;
  if (i < 0) throw new Error('RBSP has no stop bit');
  const byte = rbsp[i];
  let bit = 7;
  while (((byte >> (7 - bit)) & 1) === 0) bit--;
  return i * 8 + bit;
}

export class BitReader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}

  bit(): number {
    if (this.pos >= this.buf.length * 8) throw new Error('read past the end of the RBSP');
    const b = (this.buf[this.pos >> 3] >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }

  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new Error('malformed Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2 || 0;
  }
}

export class BitWriter {
  private bytes: number[] = [];
  private cur = 0;
  private used = 0;

  get bitLength(): number {
    return this.bytes.length * 8 + this.used;
  }

  bit(b: number): this {
    this.cur = (this.cur << 1) | (b & 1);
    if (++this.used === 8) {
      this.bytes.push(this.cur);
      this.cur = 0;
      this.used = 0;
    }
    return this;
  }

  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bit(Math.floor(v / 2 ** i) & 1);
    return this;
  }

  ue(v: number): this {
    const x = v + 1;
    const len = Math.floor(Math.log2(x));
    return this.u(len, 0).u(len + 1, x);
  }

  se(v: number): this {
    return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }

  /** Copies bits [from, to) of another RBSP, whole bytes at a time when both sides are aligned. */
  copy(src: Buffer, from: number, to: number): this {
    let p = from;
    while (p < to) {
      if (this.used === 0 && (p & 7) === 0 && to - p >= 8) {
        const whole = (to - p) >> 3;
        for (let i = 0; i < whole; i++) this.bytes.push(src[(p >> 3) + i]);
        p += whole * 8;
        continue;
      }
      this.bit((src[p >> 3] >> (7 - (p & 7))) & 1);
      p++;
    }
    return this;
  }

  /** Zero bits up to the next byte boundary (pcm_alignment_zero_bit). */
  align(): this {
    while (this.used !== 0) this.bit(0);
    return this;
  }

  bytesRaw(data: Uint8Array): this {
    if (this.used !== 0) throw new Error('raw bytes need byte alignment');
    for (const b of data) this.bytes.push(b);
    return this;
  }

  /** rbsp_trailing_bits: the stop bit, then zero bits to the byte boundary. */
  finish(): Buffer {
    this.bit(1).align();
    return Buffer.from(this.bytes);
  }
}
