import { CameraFleet } from './fleet';

/**
 * A plausible trickle for the demo console: a motion alert somewhere every 20–60 s (cleared a few
 * seconds later), occasional tampering, and now and then a camera dropping offline for a while.
 */
export class DemoTrickle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly fleet: CameraFleet,
    private readonly rnd: () => number = Math.random,
  ) {}

  start(): void {
    // The first one soon after start, so a newcomer's console shows an alert within a minute.
    this.later(8_000 + this.rnd() * 7_000, () => {
      this.motion();
      this.loop(
        () => 20_000 + this.rnd() * 40_000,
        () => this.motion(),
      );
    });
    this.loop(
      () => 4 * 60_000 + this.rnd() * 6 * 60_000,
      () => this.tampering(),
    );
    this.loop(
      () => 3 * 60_000 + this.rnd() * 4 * 60_000,
      () => this.outage(),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private loop(gap: () => number, fn: () => void): void {
    this.later(gap(), () => {
      fn();
      this.loop(gap, fn);
    });
  }

  private randomOnline(): string | undefined {
    const online = this.fleet.cameras.filter((c) => c.online);
    return online[Math.floor(this.rnd() * online.length)]?.id;
  }

  private motion(): void {
    const id = this.randomOnline();
    if (!id) return;
    this.fleet.fireEvent(id, 'motion', true);
    this.later(3000 + this.rnd() * 7000, () => this.fleet.fireEvent(id, 'motion', false));
  }

  private tampering(): void {
    const id = this.randomOnline();
    if (!id) return;
    this.fleet.fireEvent(id, 'tampering', true);
    this.later(15_000 + this.rnd() * 30_000, () => this.fleet.fireEvent(id, 'tampering', false));
  }

  private outage(): void {
    const id = this.randomOnline();
    if (!id) return;
    this.fleet.setOffline(id);
    this.later(60_000 + this.rnd() * 120_000, () => this.fleet.setOnline(id));
  }
}
