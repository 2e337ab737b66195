/*
 * Over 400 lines on purpose: one concern, the OSD band written in H.264 syntax. The SPS, PPS and
 * slice-header readers and the band writer share one bit-exact model of the stream (field
 * layouts, macroblock types); split apart, each half would have to know the other's fields.
 */
import { BitReader, BitWriter, stopBitIndex, toRbsp } from './bits';
import { addEmulationPrevention, AccessUnit, nalType, ParsedClip } from './h26x';
import { OSD_GLYPH_HEIGHT, renderOsdLine } from './osd-font';

/**
 * The camera's on-screen display (date, time, PTZ position) without a live encoder per camera.
 *
 * The clip is encoded once, 16 rows short. At load every picture is moved down one macroblock row
 * by rewriting the SPS height and each slice's first_mb_in_slice; at send time a one-row "band"
 * slice is put on top of each picture, written directly in H.264 syntax:
 * - on a keyframe, I_PCM macroblocks (raw samples) where there is text and empty intra-DC ones
 *   elsewhere;
 * - otherwise a P slice that skips every macroblock (a copy of the previous picture's band) except
 *   those whose text changed, which are sent as I_PCM again.
 * So the fleet still encodes each clip once, the OSD costs a few hundred bytes a second, and the
 * clock and PTZ readout are exact, as lossless samples. Scene slices keep their own deblocking
 * but do not filter across the band edge (disable_deblocking_filter_idc 2), and the band is never
 * filtered, so the scene decodes exactly as encoded. Requires CAVLC (Baseline, as the sim encodes),
 * one slice group and no weighted prediction: anything else is refused and the clip plays without
 * a band.
 */
export const OSD_BAND_ROWS = OSD_GLYPH_HEIGHT;
const MB = 16;

interface SpsInfo {
  widthMbs: number;
  log2MaxFrameNum: number;
  pocType: number;
  log2MaxPocLsb: number;
  deltaPicOrderAlwaysZero: boolean;
}

interface PpsInfo {
  bottomFieldPicOrder: boolean;
  redundantPicCnt: boolean;
}

/** The picture-level fields of a slice header, which the band slice of that picture repeats. */
interface PictureFields {
  nalHeader: number;
  idr: boolean;
  refIdc: number;
  ppsId: number;
  frameNum: number;
  idrPicId: number;
  pocLsb: number;
  deltaPocBottom: number;
  deltaPoc: [number, number];
  /** dec_ref_pic_marking() bits, repeated in the band slice (all slices of a picture agree). */
  marking: number[];
}

/** One slice header as parsed, with the bit positions the rewrite needs. */
interface SliceHeader extends PictureFields {
  firstMb: number;
  sliceType: number;
  afterType: number;
  idcAt: number;
  idcEnd: number;
  idc: number;
  stop: number;
  rbsp: Buffer;
}

export interface OsdClip {
  /** The clip with room for the band: SPS one macroblock row taller, slices moved down. */
  clip: ParsedClip;
  widthMbs: number;
  /** First slice header of each clip frame: the band slice copies its picture-level fields. */
  pictures: PictureFields[];
  sps: SpsInfo;
  pps: PpsInfo;
}

const SLICE_P = 0;
const SLICE_I = 2;
const MB_I_PCM = 25;
/** I_16x16_2_0_0: DC prediction, no coded residual. */
const MB_I16_DC_EMPTY = 3;
const P_INTRA_OFFSET = 5;

function unsupported(what: string): never {
  throw new Error(`OSD band unsupported: ${what}`);
}

function parseSps(nal: Buffer): { info: SpsInfo; heightAt: number; heightEnd: number; height: number } {
  const rbsp = toRbsp(nal.subarray(1));
  const r = new BitReader(rbsp);
  const profile = r.u(8);
  r.u(16);
  r.ue();
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
    if (r.ue() !== 1) unsupported('chroma format other than 4:2:0');
    r.ue();
    r.ue();
    r.bit();
    if (r.bit()) unsupported('scaling matrices');
  }
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  let deltaPicOrderAlwaysZero = false;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType === 1) {
    deltaPicOrderAlwaysZero = r.bit() === 1;
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue();
  r.bit();
  const widthMbs = r.ue() + 1;
  const heightAt = r.pos;
  const height = r.ue() + 1;
  const heightEnd = r.pos;
  if (r.bit() !== 1) unsupported('interlaced coding');
  return {
    info: { widthMbs, log2MaxFrameNum, pocType, log2MaxPocLsb, deltaPicOrderAlwaysZero },
    heightAt,
    heightEnd,
    height,
  };
}

function parsePps(nal: Buffer): PpsInfo {
  const r = new BitReader(toRbsp(nal.subarray(1)));
  r.ue();
  r.ue();
  if (r.bit()) unsupported('CABAC');
  const bottomFieldPicOrder = r.bit() === 1;
  if (r.ue() !== 0) unsupported('slice groups');
  r.ue();
  r.ue();
  if (r.bit()) unsupported('weighted prediction');
  r.u(2);
  r.se();
  r.se();
  r.se();
  if (!r.bit()) unsupported('no deblocking filter control');
  r.bit();
  const redundantPicCnt = r.bit() === 1;
  return { bottomFieldPicOrder, redundantPicCnt };
}

function parseSlice(nal: Buffer, sps: SpsInfo, pps: PpsInfo): SliceHeader {
  const rbsp = toRbsp(nal.subarray(1));
  const r = new BitReader(rbsp);
  const idr = (nal[0] & 0x1f) === 5;
  const refIdc = (nal[0] >> 5) & 3;
  const firstMb = r.ue();
  const sliceType = r.ue() % 5;
  const afterType = r.pos;
  if (sliceType !== SLICE_P && sliceType !== SLICE_I) unsupported(`slice type ${sliceType}`);
  const ppsId = r.ue();
  const frameNum = r.u(sps.log2MaxFrameNum);
  const idrPicId = idr ? r.ue() : 0;
  let pocLsb = 0;
  let deltaPocBottom = 0;
  const deltaPoc: [number, number] = [0, 0];
  if (sps.pocType === 0) {
    pocLsb = r.u(sps.log2MaxPocLsb);
    if (pps.bottomFieldPicOrder) deltaPocBottom = r.se();
  } else if (sps.pocType === 1 && !sps.deltaPicOrderAlwaysZero) {
    deltaPoc[0] = r.se();
    if (pps.bottomFieldPicOrder) deltaPoc[1] = r.se();
  }
  if (pps.redundantPicCnt) r.ue();
  if (sliceType === SLICE_P) {
    if (r.bit()) r.ue();
    if (r.bit()) {
      for (let op = r.ue(); op !== 3; op = r.ue()) r.ue();
    }
  }
  const markFrom = r.pos;
  if (refIdc !== 0) {
    if (idr) r.u(2);
    else if (r.bit()) {
      for (let op = r.ue(); op !== 0; op = r.ue()) {
        if (op === 1 || op === 3 || op === 2 || op === 4 || op === 6) r.ue();
        if (op === 3) r.ue();
      }
    }
  }
  const marking: number[] = [];
  for (let i = markFrom, m = new BitReader(rbsp, markFrom); i < r.pos; i++) marking.push(m.bit());
  r.se();
  const idcAt = r.pos;
  const idc = r.ue();
  const idcEnd = r.pos;
  return {
    nalHeader: nal[0],
    idr,
    refIdc,
    firstMb,
    sliceType,
    ppsId,
    frameNum,
    idrPicId,
    pocLsb,
    deltaPocBottom,
    deltaPoc,
    marking,
    afterType,
    idcAt,
    idcEnd,
    idc,
    stop: stopBitIndex(rbsp),
    rbsp,
  };
}

function nalOf(header: number, w: BitWriter): Buffer {
  return Buffer.concat([Buffer.from([header]), addEmulationPrevention(w.finish())]);
}

/** The SPS with one more macroblock row; cropping (at the bottom) is unchanged. */
function tallerSps(nal: Buffer, rows: number): Buffer {
  const { heightAt, heightEnd, height } = parseSps(nal);
  const rbsp = toRbsp(nal.subarray(1));
  const w = new BitWriter().copy(rbsp, 0, heightAt).ue(height + rows - 1);
  w.copy(rbsp, heightEnd, stopBitIndex(rbsp));
  return nalOf(nal[0], w);
}

/** The scene slice moved down under the band, not deblocked across the band's edge. */
function movedSlice(h: SliceHeader, bandMbs: number): Buffer {
  const w = new BitWriter().ue(h.firstMb + bandMbs).ue(h.sliceType);
  w.copy(h.rbsp, h.afterType, h.idcAt).ue(h.idc === 0 ? 2 : h.idc);
  w.copy(h.rbsp, h.idcEnd, h.stop);
  return nalOf(h.nalHeader, w);
}

/** Only what the band slice repeats, so the OSD does not keep a second copy of every slice. */
function pictureFields(h: SliceHeader): PictureFields {
  const { nalHeader, idr, refIdc, ppsId, frameNum, idrPicId, pocLsb, deltaPocBottom, deltaPoc, marking } = h;
  return { nalHeader, idr, refIdc, ppsId, frameNum, idrPicId, pocLsb, deltaPocBottom, deltaPoc, marking };
}

/** Rewrites a parsed H.264 clip so each picture has a free macroblock row on top for the OSD. */
export function prepareOsdClip(clip: ParsedClip): OsdClip {
  if (clip.codec !== 'h264') unsupported(clip.codec);
  const sps = parseSps(clip.sps).info;
  const pps = parsePps(clip.pps);
  const newSps = tallerSps(clip.sps, 1);
  const pictures: PictureFields[] = [];
  const frames: AccessUnit[] = clip.frames.map((au) => {
    let first: SliceHeader | undefined;
    const nals = au.nals.map((nal) => {
      const t = nalType('h264', nal);
      if (t === 7) return newSps;
      if (t !== 1 && t !== 5) return nal;
      const h = parseSlice(nal, sps, pps);
      first ??= h;
      return movedSlice(h, sps.widthMbs);
    });
    if (!first) unsupported('frame without slices');
    pictures.push(pictureFields(first));
    return { nals, key: au.key };
  });
  return {
    clip: { ...clip, sps: newSps, frames },
    widthMbs: sps.widthMbs,
    pictures,
    sps,
    pps,
  };
}

function bandHeader(osd: OsdClip, h: PictureFields, type: number): BitWriter {
  const w = new BitWriter().ue(0).ue(type).ue(h.ppsId).u(osd.sps.log2MaxFrameNum, h.frameNum);
  if (h.idr) w.ue(h.idrPicId);
  if (osd.sps.pocType === 0) {
    w.u(osd.sps.log2MaxPocLsb, h.pocLsb);
    if (osd.pps.bottomFieldPicOrder) w.se(h.deltaPocBottom);
  } else if (osd.sps.pocType === 1 && !osd.sps.deltaPicOrderAlwaysZero) {
    w.se(h.deltaPoc[0]);
    if (osd.pps.bottomFieldPicOrder) w.se(h.deltaPoc[1]);
  }
  if (osd.pps.redundantPicCnt) w.ue(0);
  if (type === SLICE_P) w.bit(0).bit(0);
  for (const b of h.marking) w.bit(b);
  // slice_qp_delta 0; the band is never deblocked.
  return w.se(0).ue(1);
}

const CHROMA_MID = new Uint8Array(128).fill(128);

function pcmMacroblock(w: BitWriter, luma: Uint8Array, width: number, mb: number): void {
  w.align();
  const block = new Uint8Array(MB * MB);
  for (let y = 0; y < MB; y++)
    block.set(luma.subarray(y * width + mb * MB, y * width + mb * MB + MB), y * MB);
  w.bytesRaw(block).bytesRaw(CHROMA_MID);
}

/** Every luma sample of the macroblock is the background. */
function isBlack(luma: Uint8Array, width: number, mb: number, black: number): boolean {
  for (let y = 0; y < MB; y++) {
    for (let x = 0; x < MB; x++) if (luma[y * width + mb * MB + x] !== black) return false;
  }
  return true;
}

/** coeff_token for TotalCoeff 0, TrailingOnes 0 by neighbour context nC (H.264 Table 9-5). */
function writeNoCoefficients(w: BitWriter, nC: number): void {
  if (nC < 2) w.u(1, 1);
  else if (nC < 4) w.u(2, 3);
  else if (nC < 8) w.u(4, 15);
  else w.u(6, 3);
}

/**
 * Per-stream OSD state: what band the viewers' decoders hold, so a non-key picture only carries the
 * macroblocks whose text changed.
 */
export class OsdPainter {
  private shown: Uint8Array | undefined;
  private lastText = '';
  private lastLuma: Uint8Array | undefined;

  constructor(
    private readonly osd: OsdClip,
    private readonly text: () => string,
  ) {}

  get width(): number {
    return this.osd.widthMbs * MB;
  }

  /** The band slice NAL for clip frame `index`. */
  slice(index: number): Buffer {
    const h = this.osd.pictures[index];
    const luma = this.render();
    if (h.idr) return this.keySlice(h, luma);
    // A non-reference picture cannot change what the next picture copies: wait for a reference one.
    // Same text, same rendering object: nothing to compare (most frames).
    const compare = h.refIdc !== 0 && this.shown !== undefined && luma !== this.shown;
    const changed = compare ? this.changedMbs(luma) : [];
    const w = bandHeader(this.osd, h, SLICE_P);
    let run = 0;
    for (let mb = 0; mb < this.osd.widthMbs; mb++) {
      if (!changed.includes(mb)) {
        run++;
        continue;
      }
      w.ue(run).ue(P_INTRA_OFFSET + MB_I_PCM);
      pcmMacroblock(w, luma, this.width, mb);
      run = 0;
    }
    if (run > 0) w.ue(run);
    if (compare) this.shown = luma;
    return nalOf(h.nalHeader, w);
  }

  private keySlice(h: PictureFields, luma: Uint8Array): Buffer {
    const w = bandHeader(this.osd, h, SLICE_I);
    const black = luma[0];
    let leftPcm = false;
    for (let mb = 0; mb < this.osd.widthMbs; mb++) {
      // Intra-DC predicts from the left macroblock's right column: it must be black too.
      const flat =
        mb > 0 && isBlack(luma, this.width, mb, black) && rightColumnBlack(luma, this.width, mb - 1, black);
      if (!flat) {
        w.ue(MB_I_PCM);
        pcmMacroblock(w, luma, this.width, mb);
        leftPcm = true;
        continue;
      }
      // mb_type, intra_chroma_pred_mode DC, mb_qp_delta 0, the empty Intra16x16DCLevel block.
      w.ue(MB_I16_DC_EMPTY).ue(0).se(0);
      writeNoCoefficients(w, leftPcm ? 16 : 0);
      leftPcm = false;
    }
    this.shown = luma;
    return nalOf(h.nalHeader, w);
  }

  private changedMbs(luma: Uint8Array): number[] {
    const shown = this.shown!;
    const out: number[] = [];
    for (let mb = 0; mb < this.osd.widthMbs; mb++) {
      let same = true;
      for (let y = 0; y < MB && same; y++) {
        const o = y * this.width + mb * MB;
        for (let x = 0; x < MB; x++) {
          if (luma[o + x] !== shown[o + x]) {
            same = false;
            break;
          }
        }
      }
      if (!same) out.push(mb);
    }
    return out;
  }

  private render(): Uint8Array {
    const text = this.text();
    if (text !== this.lastText || !this.lastLuma) {
      this.lastText = text;
      this.lastLuma = renderOsdLine(text, this.width);
    }
    return this.lastLuma;
  }
}

function rightColumnBlack(luma: Uint8Array, width: number, mb: number, black: number): boolean {
  for (let y = 0; y < MB; y++) if (luma[y * width + mb * MB + MB - 1] !== black) return false;
  return true;
}
