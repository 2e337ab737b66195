/** Pan/tilt in [-1,1], zoom in [0,1]: ONVIF generic position spaces. */
export interface PtzVector {
  x: number;
  y: number;
  zoom: number;
}

export interface PtzPreset {
  token: string;
  name: string;
  position: PtzVector;
}

export interface PtzSnapshot {
  position: PtzVector;
  moving: { panTilt: boolean; zoom: boolean };
  velocity: PtzVector;
  presets: PtzPreset[];
}

type Motion =
  | { kind: 'idle' }
  | { kind: 'continuous'; velocity: PtzVector; until: number }
  | { kind: 'toward'; target: PtzVector; speed: PtzVector };

/** Generic velocity 1.0 moves one position unit per second, like a fast dome at full speed. */
const UNITS_PER_SECOND = 1;
const DEFAULT_CONTINUOUS_TIMEOUT_MS = 60_000;
const MAX_PRESETS = 128;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function clampPosition(p: PtzVector): PtzVector {
  return { x: clamp(p.x, -1, 1), y: clamp(p.y, -1, 1), zoom: clamp(p.zoom, 0, 1) };
}

/**
 * PTZ state computed lazily from the last command and the clock, so hundreds of idle domes cost
 * nothing: position(t) = origin + velocity·(t − t0), clamped, until Stop or the move's timeout.
 */
export class PtzState {
  private origin: PtzVector = { x: 0, y: 0, zoom: 0 };
  private t0 = 0;
  private motion: Motion = { kind: 'idle' };
  private readonly presets = new Map<string, PtzPreset>();
  private nextPreset = 1;

  constructor(private readonly now: () => number = Date.now) {}

  position(): PtzVector {
    return this.at(this.now());
  }

  private at(t: number): PtzVector {
    const m = this.motion;
    if (m.kind === 'idle') return { ...this.origin };
    if (m.kind === 'continuous') {
      const dt = (Math.min(t, m.until) - this.t0) / 1000;
      return clampPosition({
        x: this.origin.x + m.velocity.x * UNITS_PER_SECOND * dt,
        y: this.origin.y + m.velocity.y * UNITS_PER_SECOND * dt,
        zoom: this.origin.zoom + m.velocity.zoom * UNITS_PER_SECOND * dt,
      });
    }
    const dt = (t - this.t0) / 1000;
    const step = (from: number, to: number, speed: number): number => {
      const d = speed * UNITS_PER_SECOND * dt;
      return from < to ? Math.min(to, from + d) : Math.max(to, from - d);
    };
    return {
      x: step(this.origin.x, m.target.x, m.speed.x),
      y: step(this.origin.y, m.target.y, m.speed.y),
      zoom: step(this.origin.zoom, m.target.zoom, m.speed.zoom),
    };
  }

  moving(): { panTilt: boolean; zoom: boolean } {
    const t = this.now();
    const m = this.motion;
    if (m.kind === 'idle') return { panTilt: false, zoom: false };
    const p = this.at(t);
    if (m.kind === 'continuous') {
      if (t >= m.until) return { panTilt: false, zoom: false };
      const ptEdge = (v: number, pos: number, lo: number, hi: number): boolean =>
        v !== 0 && !((v > 0 && pos >= hi) || (v < 0 && pos <= lo));
      return {
        panTilt: ptEdge(m.velocity.x, p.x, -1, 1) || ptEdge(m.velocity.y, p.y, -1, 1),
        zoom: ptEdge(m.velocity.zoom, p.zoom, 0, 1),
      };
    }
    return { panTilt: p.x !== m.target.x || p.y !== m.target.y, zoom: p.zoom !== m.target.zoom };
  }

  velocity(): PtzVector {
    const m = this.motion;
    return m.kind === 'continuous' && this.now() < m.until ? { ...m.velocity } : { x: 0, y: 0, zoom: 0 };
  }

  /** Freeze where we are now; every new command starts from the current position. */
  private settle(): void {
    const t = this.now();
    this.origin = this.at(t);
    this.t0 = t;
    this.motion = { kind: 'idle' };
  }

  continuousMove(velocity: Partial<PtzVector>, timeoutMs?: number): void {
    this.settle();
    const v = {
      x: clamp(velocity.x ?? 0, -1, 1),
      y: clamp(velocity.y ?? 0, -1, 1),
      zoom: clamp(velocity.zoom ?? 0, -1, 1),
    };
    this.motion = {
      kind: 'continuous',
      velocity: v,
      until: this.t0 + (timeoutMs && timeoutMs > 0 ? timeoutMs : DEFAULT_CONTINUOUS_TIMEOUT_MS),
    };
  }

  stop(panTilt = true, zoom = true): void {
    const m = this.motion;
    const t = this.now();
    if (m.kind === 'continuous' && !(panTilt && zoom)) {
      // Stop only one axis group: keep moving the other from here.
      this.origin = this.at(t);
      this.t0 = t;
      this.motion = {
        ...m,
        velocity: {
          x: panTilt ? 0 : m.velocity.x,
          y: panTilt ? 0 : m.velocity.y,
          zoom: zoom ? 0 : m.velocity.zoom,
        },
      };
      return;
    }
    this.settle();
  }

  absoluteMove(target: Partial<PtzVector>, speed?: Partial<PtzVector>): void {
    this.settle();
    const full = clampPosition({
      x: target.x ?? this.origin.x,
      y: target.y ?? this.origin.y,
      zoom: target.zoom ?? this.origin.zoom,
    });
    this.moveToward(full, speed);
  }

  relativeMove(translation: Partial<PtzVector>, speed?: Partial<PtzVector>): void {
    this.settle();
    const o = this.origin;
    this.moveToward(
      clampPosition({
        x: o.x + (translation.x ?? 0),
        y: o.y + (translation.y ?? 0),
        zoom: o.zoom + (translation.zoom ?? 0),
      }),
      speed,
    );
  }

  private moveToward(target: PtzVector, speed?: Partial<PtzVector>): void {
    // Default speed of an absolute move: fast enough that tests and operators see it arrive in ≤ 1 s.
    const s = (v: number | undefined): number => (v !== undefined && v > 0 ? Math.min(v, 1) * 2 : 2);
    this.motion = { kind: 'toward', target, speed: { x: s(speed?.x), y: s(speed?.y), zoom: s(speed?.zoom) } };
  }

  setPreset(name: string | undefined, token?: string): PtzPreset {
    if (!token && this.presets.size >= MAX_PRESETS) throw new Error('TooManyPresets');
    const t = token ?? String(this.nextPreset++);
    const preset = { token: t, name: name || `Preset ${t}`, position: this.position() };
    this.presets.set(t, preset);
    return preset;
  }

  removePreset(token: string): boolean {
    return this.presets.delete(token);
  }

  gotoPreset(token: string, speed?: Partial<PtzVector>): boolean {
    const p = this.presets.get(token);
    if (!p) return false;
    this.absoluteMove(p.position, speed);
    return true;
  }

  listPresets(): PtzPreset[] {
    return [...this.presets.values()];
  }

  snapshot(): PtzSnapshot {
    return {
      position: this.position(),
      moving: this.moving(),
      velocity: this.velocity(),
      presets: this.listPresets(),
    };
  }
}
