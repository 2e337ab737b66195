import path from 'node:path';
import {
  bytesToFree,
  isFinalSegmentName,
  quotaSettingsProblem,
  resolveInside,
  retentionCutoff,
  storageCondition,
  storageLimits,
  writeRate,
} from './retention-plan';

const GiB = 1024 ** 3;
const settings = { quotaBytes: 4 * GiB, maxDiskShare: 0.5, highWater: 0.9, lowWater: 0.8 };

describe('retention plan: quota and water marks', () => {
  it.each([
    { name: 'a roomy disk: the configured quota', used: 1 * GiB, free: 100 * GiB, quota: 4 * GiB },
    { name: 'a small disk: half of free + used', used: 1 * GiB, free: 3 * GiB, quota: 2 * GiB },
    { name: 'a disk others filled: the quota shrinks', used: 2 * GiB, free: 0, quota: 1 * GiB },
  ])('$name', ({ used, free, quota }) => {
    const limits = storageLimits(settings, used, free);
    expect(limits.quotaBytes).toBe(quota);
    expect(limits.highWaterBytes).toBe(Math.floor(quota * 0.9));
    expect(limits.lowWaterBytes).toBe(Math.floor(quota * 0.8));
  });

  it('frees nothing under the high-water mark, and down to the low-water mark past it', () => {
    const limits = { quotaBytes: 1000, highWaterBytes: 900, lowWaterBytes: 800 };
    expect(bytesToFree(850, limits)).toBe(0);
    expect(bytesToFree(900, limits)).toBe(0);
    expect(bytesToFree(950, limits)).toBe(150);
  });

  it.each([
    { used: 700, exhausted: false, condition: 'ok' },
    { used: 700, exhausted: true, condition: 'ok' },
    { used: 850, exhausted: false, condition: 'ok' },
    { used: 850, exhausted: true, condition: 'locked_over_low' },
    { used: 900, exhausted: true, condition: 'full' },
    { used: 990, exhausted: true, condition: 'full' },
  ])(
    'after a sweep at $used bytes, unlocked exhausted $exhausted: $condition',
    ({ used, exhausted, condition }) => {
      const limits = { quotaBytes: 1000, highWaterBytes: 900, lowWaterBytes: 800 };
      expect(storageCondition(used, limits, exhausted)).toBe(condition);
    },
  );

  it('refuses a low-water mark at or above the high-water mark', () => {
    expect(quotaSettingsProblem(settings)).toBeNull();
    expect(quotaSettingsProblem({ ...settings, lowWater: 0.9 })).toMatch(/RECORDING_LOW_WATER/);
  });

  it('cuts retention whole days back and rates writes per second', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(retentionCutoff(now, 30).toISOString()).toBe('2026-11-01T12:00:00.000Z');
    expect(writeRate(3000, 2000)).toBe(1500);
    expect(writeRate(-5, 1000)).toBe(0);
    expect(writeRate(100, 0)).toBe(0);
  });
});

describe('retention plan: paths', () => {
  const root = path.resolve('/srv/rec');

  it.each([
    ['cam/sub/2026-12-01/1764590400000.ts', path.join(root, 'cam/sub/2026-12-01/1764590400000.ts')],
    ['../etc/passwd', null],
    ['/etc/passwd', null],
    ['cam/../../x.ts', null],
    ['', null],
    ['.', null],
  ])('resolves %s inside the recordings directory only', (relative, expected) => {
    expect(resolveInside(root, relative)).toBe(expected);
  });

  it.each([
    ['1764590400000.ts', true],
    ['1764590400000.ts.part', false],
    ['.1764590400000.ts', false],
    ['segment.ts', false],
    ['tmp-000001.ts', false],
  ])('%s is a final segment name: %s', (name, expected) => {
    expect(isFinalSegmentName(name)).toBe(expected);
  });
});
