import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CameraDirectory, CameraTarget, sameConnection } from '../cameras/camera-directory.service';
import { healthEvent } from '../events/camera-events';
import { RawEventPublisher } from '../events/raw-event-publisher.adapter';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraLeases } from '../leases/camera-leases.service';
import { OnvifClient } from '../onvif/onvif-client.adapter';
import { OnvifError, statusReasonOf } from '../onvif/onvif-error';
import { HealthState, nextPollDelay, observe, PollOutcome, Semaphore } from './health-debounce';

interface Watched {
  target: CameraTarget;
  state: HealthState;
  nextAt: number;
  polling: boolean;
  lastSeenWrite: number;
  /** Why the camera's events are not flowing (null: they are, or it has none); its reason while online. */
  eventsProblem: string | null;
}

export type StatusListener = (cameraId: string, status: 'online' | 'offline') => void;
/** A watched camera's record now names another address or other credentials. */
export type ConnectionListener = (target: CameraTarget) => void;

/** lastSeenAt is written at most this often per camera while nothing changes (5,000 cameras → few writes). */
const SEEN_WRITE_EVERY_MS = 60_000;

/**
 * Polls every leased camera with a cheap authenticated call (GetDeviceInformation): bounded
 * concurrency, jittered schedule, backoff for dead cameras, debounced status changes that update
 * the camera row and raise camera_offline (or its recovery) exactly once per change.
 */
@Injectable()
export class CameraHealth implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('health');
  private readonly watched = new Map<string, Watched>();
  private readonly sem: Semaphore;
  private readonly listeners: StatusListener[] = [];
  private readonly connectionListeners: ConnectionListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly leases: CameraLeases,
    private readonly cameras: CameraDirectory,
    private readonly onvif: OnvifClient,
    private readonly events: RawEventPublisher,
  ) {
    this.sem = new Semaphore(settings.HEALTH_CONCURRENCY);
  }

  onModuleInit(): void {
    this.leases.listen({ acquired: (ids) => this.watch(ids), released: (ids) => this.unwatch(ids) });
    const tick = Math.max(50, Math.min(500, Math.floor(this.settings.HEALTH_INTERVAL_MS / 5)));
    this.timer = setInterval(() => this.dispatchDue(), tick);
    this.timer.unref();
    // Credentials or addresses edited through the api reach the poller within this period.
    const refresh = Math.max(5_000, this.settings.HEALTH_INTERVAL_MS);
    this.refreshTimer = setInterval(() => void this.refresh(), refresh);
    this.refreshTimer.unref();
  }

  onStatusChange(listener: StatusListener): void {
    this.listeners.push(listener);
  }

  /** Told when a refresh finds a watched camera's address or credentials changed. */
  onConnectionChange(listener: ConnectionListener): void {
    this.connectionListeners.push(listener);
  }

  status(cameraId: string): HealthState | undefined {
    return this.watched.get(cameraId)?.state;
  }

  private async watch(ids: string[]): Promise<void> {
    const targets = await this.cameras.many(ids);
    const now = Date.now();
    for (const target of targets) {
      if (this.watched.has(target.id)) continue;
      this.watched.set(target.id, {
        target,
        // Continue from the stored status so a lease moving between gateways raises nothing.
        state: { status: target.status, failures: 0, reason: null },
        // Spread the first polls over one interval instead of a thundering herd.
        nextAt: now + Math.random() * Math.min(this.settings.HEALTH_INTERVAL_MS, 2000),
        polling: false,
        lastSeenWrite: 0,
        eventsProblem: null,
      });
    }
  }

  /**
   * The event subscription says the camera's events do not flow (or flow again). An online
   * camera shows it as its status reason, so the console says so rather than a plain "online";
   * an offline one keeps its offline reason.
   */
  setEventsProblem(cameraId: string, problem: string | null): void {
    const w = this.watched.get(cameraId);
    if (!w || w.eventsProblem === problem) return;
    w.eventsProblem = problem;
    if (w.state.status !== 'online') return;
    void this.cameras.setReason(cameraId, problem).catch((err: unknown) => {
      this.log.warn(`status reason of ${cameraId} not written: ${(err as Error).message}`);
    });
  }

  private unwatch(ids: string[]): void {
    for (const id of ids) this.watched.delete(id);
  }

  /**
   * Re-reads the watched cameras (or just `ids`, after an edit through the api). A camera whose
   * address or credentials changed is polled at once rather than after its backoff, and the
   * connection listeners are told.
   */
  async refresh(ids: string[] = [...this.watched.keys()]): Promise<void> {
    try {
      const fresh = await this.cameras.many(ids.filter((id) => this.watched.has(id)));
      for (const t of fresh) {
        const w = this.watched.get(t.id);
        if (!w) continue;
        const changed = !sameConnection(w.target, t);
        w.target = t;
        if (!changed) continue;
        w.nextAt = Date.now();
        for (const l of this.connectionListeners) l(t);
      }
    } catch (err) {
      this.log.warn(`refresh failed: ${(err as Error).message}`);
    }
  }

  private dispatchDue(): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const w of this.watched.values()) {
      if (w.polling || w.nextAt > now) continue;
      w.polling = true;
      void this.sem
        .run(() => this.poll(w))
        .finally(() => {
          w.polling = false;
        });
    }
  }

  private async poll(w: Watched): Promise<void> {
    const outcome = await this.check(w.target);
    if (this.stopped || this.watched.get(w.target.id) !== w) return;
    const t = observe(w.state, outcome, this.settings.HEALTH_FAILURES_TO_OFFLINE);
    w.state = t.state;
    const s = this.settings;
    w.nextAt =
      Date.now() +
      nextPollDelay(w.state, s.HEALTH_INTERVAL_MS, s.HEALTH_MAX_BACKOFF_MS, s.HEALTH_FAILURES_TO_OFFLINE);
    const now = new Date();
    try {
      if (t.changed) {
        const to = t.changed.to as 'online' | 'offline';
        const reason = to === 'online' ? w.eventsProblem : t.changed.reason;
        await this.cameras.setStatus(w.target.id, to, reason, now);
        w.lastSeenWrite = now.getTime();
        // unknown → online is a first sighting, not a recovery: only real changes become events.
        if (to === 'offline' || t.changed.from === 'offline') {
          await this.events.publish(healthEvent(w.target, to, now, t.changed.reason));
        }
        this.log.log(
          `${w.target.name} ${t.changed.from} → ${to}${t.changed.reason ? ` (${t.changed.reason})` : ''}`,
        );
        await this.events.cameraStatus(w.target.regionPath, {
          cameraId: w.target.id,
          regionId: w.target.regionId,
          status: to,
          reason: t.changed.reason,
          at: now.toISOString(),
        });
        for (const l of this.listeners) l(w.target.id, to);
      } else if (outcome.ok && now.getTime() - w.lastSeenWrite > SEEN_WRITE_EVERY_MS) {
        w.lastSeenWrite = now.getTime();
        await this.cameras.touchSeen(w.target.id, now);
      }
    } catch (err) {
      this.log.warn(`status update of ${w.target.id} failed: ${(err as Error).message}`);
    }
  }

  private async check(target: CameraTarget): Promise<PollOutcome> {
    try {
      await this.onvif.call(
        target,
        { action: 'GetDeviceInformation' },
        { timeoutMs: this.settings.ONVIF_TIMEOUT_MS },
      );
      return { ok: true };
    } catch (err) {
      const kind = err instanceof OnvifError ? err.kind : 'unreachable';
      return { ok: false, reason: statusReasonOf(kind) };
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
  }
}
