import { renderOsdLine, OSD_BLACK } from './osd-font';
import { osdLine } from './osd-text';

describe('OSD text', () => {
  it('shows local time in the county (UTC+8) and the dome position with signs', () => {
    const at = Date.UTC(2026, 10, 23, 16, 52, 31, 900);
    expect(osdLine(at)).toBe('2026-11-24 00:52:31');
    expect(osdLine(at, { x: 0.125, y: -0.3, zoom: 0.5 })).toBe('2026-11-24 00:52:31 P+0.13 T-0.30 Z0.50');
  });

  it('renders known glyphs, leaves unknown ones blank and clips at the picture edge', () => {
    const blank = renderOsdLine('?? ', 64);
    expect(blank.every((v) => v === OSD_BLACK)).toBe(true);
    const digits = renderOsdLine('0123456789', 64);
    expect(digits.some((v) => v > 200)).toBe(true);
    // 64 px hold the 8 px margin and seven glyphs; the rest is cut, never wrapped or overflowing.
    expect(digits).toHaveLength(64 * 16);
  });
});
