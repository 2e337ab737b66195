import { CheckpointAlarm, CheckpointPassRecord, PLATE_COLORS, VEHICLE_TYPES } from '@xueliang/contracts';
import { mulberry32 } from './identity';

/** The body the sim POSTs for every vehicle pass (zod schema: CheckpointPassRecordSchema in @xueliang/contracts). */
export type CheckpointPassPayload = CheckpointPassRecord;

export interface CheckpointDef {
  code: string;
  name: string;
  road: string;
  direction: string;
  lanes: number;
  speedLimitKmh: number;
}

/** Shandan county's main roads: the G30 expressway, national road G312 and provincial/county roads. */
export const DEFAULT_CHECKPOINTS: CheckpointDef[] = [
  {
    code: 'KK-SD-001',
    name: '山丹东收费站卡口',
    road: 'G30连霍高速',
    direction: '东向西',
    lanes: 4,
    speedLimitKmh: 120,
  },
  {
    code: 'KK-SD-002',
    name: '清泉镇南关卡口',
    road: 'G312国道',
    direction: '南向北',
    lanes: 2,
    speedLimitKmh: 60,
  },
  {
    code: 'KK-SD-003',
    name: '位奇镇十字路口卡口',
    road: 'S213省道',
    direction: '西向东',
    lanes: 2,
    speedLimitKmh: 80,
  },
  {
    code: 'KK-SD-004',
    name: '大马营镇入口卡口',
    road: 'X201县道',
    direction: '北向南',
    lanes: 2,
    speedLimitKmh: 60,
  },
];

export interface CheckpointSimOptions {
  /** Where passes are POSTed; no URL means the sim stays quiet. */
  url?: string;
  apiKey?: string;
  /** Passes per minute across all checkpoints (default 30). */
  passesPerMinute?: number;
  checkpoints?: CheckpointDef[];
  seed?: number;
  log?: (msg: string) => void;
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';

/**
 * Road checkpoints (卡口) reporting vehicle passes. Alarms are only the operational ones
 * (speeding, wrong way, checkpoint fault); nothing identifies people or matches watch lists.
 */
export class CheckpointSim {
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  private readonly rnd: () => number;
  private readonly checkpoints: CheckpointDef[];
  sent = 0;
  failed = 0;
  private lastErrorLog = 0;

  constructor(private readonly opts: CheckpointSimOptions = {}) {
    this.rnd = mulberry32(opts.seed ?? 7);
    this.checkpoints = opts.checkpoints ?? DEFAULT_CHECKPOINTS;
  }

  list(): CheckpointDef[] {
    return this.checkpoints.map((c) => ({ ...c }));
  }

  get enabled(): boolean {
    return Boolean(this.opts.url);
  }

  start(): void {
    if (!this.opts.url || this.timer) return;
    const perMinute = Math.max(1, this.opts.passesPerMinute ?? 30);
    const tick = (): void => {
      void this.post(this.makePass());
      // Exponential gaps: passes arrive like traffic, not like a metronome.
      const gap = (-Math.log(1 - this.rnd()) * 60_000) / perMinute;
      this.timer = setTimeout(tick, Math.min(gap, 10 * 60_000));
    };
    this.timer = setTimeout(tick, 1000);
    this.opts.log?.(`checkpoints: ${this.checkpoints.length} posting ~${perMinute}/min to ${this.opts.url}`);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  plate(color: (typeof PLATE_COLORS)[number]): string {
    // 甘G: Zhangye prefecture, where Shandan is. Serials are mostly digits with at most two
    // letters (GA 36-2018); new-energy (green) plates are D/F plus five digits.
    const letters = PLATE_CHARS.slice(0, 24).split('');
    const digit = (): string => this.pick(DIGITS.split(''));
    if (color === 'green') return `甘G·${this.pick(['D', 'F'])}${Array.from({ length: 5 }, digit).join('')}`;
    const chars = Array.from({ length: 5 }, digit);
    chars[0] = this.rnd() < 0.7 ? this.pick(letters) : chars[0];
    if (this.rnd() < 0.25) chars[1 + Math.floor(this.rnd() * 4)] = this.pick(letters);
    return `甘G·${chars.join('')}`;
  }

  makePass(now = Date.now()): CheckpointPassPayload {
    const cp = this.pick(this.checkpoints);
    const vehicleType = this.pick(VEHICLE_TYPES);
    const plateColor: (typeof PLATE_COLORS)[number] =
      vehicleType === 'truck' || vehicleType === 'bus' ? 'yellow' : this.rnd() < 0.15 ? 'green' : 'blue';
    let alarm: CheckpointAlarm | undefined;
    const r = this.rnd();
    if (r < 0.03) alarm = 'speeding';
    else if (r < 0.036) alarm = 'wrong_way';
    else if (r < 0.04) alarm = 'checkpoint_fault';
    const limit = cp.speedLimitKmh;
    const speed =
      alarm === 'speeding'
        ? limit * (1.2 + this.rnd() * 0.5)
        : limit * (0.55 + this.rnd() * 0.5) * (vehicleType === 'truck' ? 0.85 : 1);
    this.counter++;
    return {
      checkpointCode: cp.code,
      passId: `${cp.code}-${now.toString(36)}-${this.counter}`,
      passedAt: new Date(now).toISOString(),
      plate: this.plate(plateColor),
      plateColor,
      vehicleType,
      lane: 1 + Math.floor(this.rnd() * cp.lanes),
      direction: cp.direction,
      speedKmh: Math.round(speed),
      speedLimitKmh: limit,
      ...(alarm ? { alarm } : {}),
    };
  }

  private async post(pass: CheckpointPassPayload): Promise<void> {
    if (!this.opts.url) return;
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.opts.apiKey ? { 'x-api-key': this.opts.apiKey } : {}),
        },
        body: JSON.stringify(pass),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.sent++;
      if (pass.alarm) this.opts.log?.(`checkpoint ${pass.checkpointCode}: ${pass.alarm} ${pass.plate}`);
    } catch (e) {
      this.failed++;
      // One line a minute at most: the api may simply not be up yet.
      if (Date.now() - this.lastErrorLog > 60_000) {
        this.lastErrorLog = Date.now();
        this.opts.log?.(`checkpoints: POST ${this.opts.url} failed: ${(e as Error).message}`);
      }
    }
  }
}
