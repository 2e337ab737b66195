import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@xueliang/platform';
import { CameraDirectory, CameraTarget, sameConnection } from '../cameras/camera-directory.service';
import { CameraMedia } from '../cameras/camera-media.service';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraHealth } from '../health/camera-health.service';
import { CameraLeases } from '../leases/camera-leases.service';
import { OnvifClient } from '../onvif/onvif-client.adapter';
import { OnvifError } from '../onvif/onvif-error';
import { parseNotifications, path, text } from '../onvif/soap-response';
import { cameraEvent, EdgeDetector } from './camera-events';
import { RawEventPublisher } from './raw-event-publisher.adapter';

interface Subscription {
  /** As the device reported it (the client moves it to the registered host unless trusted). */
  address: string;
  terminatesAt: number;
  /** What the camera granted: it may be far less than was asked. */
  grantedMs: number;
}

const subscriptionFailures = new Counter({
  name: 'xl_gateway_event_subscription_failures_total',
  help: 'PullPoint subscription failures (create, renew, pull), by kind; events of that camera are not flowing',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});
const subscriptionsRecreated = new Counter({
  name: 'xl_gateway_event_subscriptions_recreated_total',
  help: 'PullPoint subscriptions made afresh before they lapsed, for cameras that cannot Renew',
  registers: [metricsRegistry],
});
const loopsByState = new Map<PullPointLoop, 'pulling' | 'failing'>();
new Gauge({
  name: 'xl_gateway_event_subscriptions',
  help: 'PullPoint subscriptions of this process by state: pulling, or failing (events not flowing)',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    const states = [...loopsByState.values()];
    this.set({ state: 'pulling' }, states.filter((x) => x === 'pulling').length);
    this.set({ state: 'failing' }, states.filter((x) => x === 'failing').length);
  },
});

/**
 * How long a PullMessages may wait: the configured long poll, but never past the subscription's
 * end (less a reply's worth), so a short subscription is renewed or made again in time.
 */
export function pullWaitSeconds(configuredS: number, leftMs: number, replyMs: number): number {
  return Math.max(1, Math.min(configuredS, Math.floor((leftMs - replyMs) / 2000)));
}

/** One camera's PullPoint: create, long-poll, renew (or make afresh), re-create after errors, until released. */
class PullPointLoop {
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private sub: Subscription | undefined;
  private readonly edges = new EdgeDetector();
  private failures = 0;
  /** The camera answered Renew with a fault: subscriptions are made afresh before they lapse. */
  private renewUnsupported = false;
  done: Promise<void> = Promise.resolve();

  constructor(
    /** The address and credentials it subscribes with, for its whole life. */
    readonly target: CameraTarget,
    private readonly svc: PullPoints,
  ) {}

  start(): void {
    loopsByState.set(this, 'pulling');
    this.done = this.run();
  }

  /** The camera is back: stop waiting out the backoff. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake();
    await this.done;
    loopsByState.delete(this);
    const sub = this.sub;
    this.sub = undefined;
    if (sub) await this.unsubscribe(sub);
  }

  /** Best effort: an unanswered Unsubscribe leaves a subscription the camera ends at its termination time. */
  private async unsubscribe(sub: Subscription): Promise<void> {
    await this.svc.onvif
      .call(this.target, { action: 'Unsubscribe' }, { timeoutMs: 1000, to: sub.address })
      .catch(() => undefined);
  }

  private get settings(): GatewaySettings {
    return this.svc.settings;
  }

  private async run(): Promise<void> {
    const s = this.settings;
    while (!this.abort.signal.aborted) {
      try {
        const sub = await this.current();
        const left = sub.terminatesAt - Date.now();
        const waitS = pullWaitSeconds(s.EVENTS_PULL_SECONDS, left, s.ONVIF_TIMEOUT_MS);
        const res = await this.svc.onvif.call(
          this.target,
          { action: 'PullMessages', timeoutS: waitS, limit: 50 },
          { timeoutMs: waitS * 1000 + s.ONVIF_TIMEOUT_MS, to: sub.address, signal: this.abort.signal },
        );
        // Cameras without Renew often extend the subscription with every pull: take their word.
        const r = path(res.body, 'PullMessagesResponse');
        const extended = terminationIn(text(path(r, 'TerminationTime')), text(path(r, 'CurrentTime')));
        if (extended !== undefined) sub.terminatesAt = Date.now() + extended;
        this.flowing();
        for (const n of parseNotifications(res.body)) {
          const edge = this.edges.accept(n);
          if (edge) await this.svc.publisher.publish(cameraEvent(this.target, edge.type, n.utcTime));
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.sub = undefined;
        if (err instanceof OnvifError && err.kind === 'resource_unknown') {
          // The camera ended it (reboot, lapse): make it again at once, once.
          if (this.failures === 0) {
            this.failures++;
            continue;
          }
        }
        this.failures++;
        this.notFlowing(err);
        const delay = Math.min(60_000, 500 * 2 ** Math.min(this.failures, 7));
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  /**
   * The subscription to pull from: made when there is none; renewed once less than half of what
   * the camera granted is left; made afresh (the old one unsubscribed) when the camera cannot
   * Renew and the subscription would lapse before the next pull returns.
   */
  private async current(): Promise<Subscription> {
    const s = this.settings;
    if (!this.sub) {
      this.sub = await this.create();
      return this.sub;
    }
    const sub = this.sub;
    const left = sub.terminatesAt - Date.now();
    if (left >= sub.grantedMs / 2) return sub;
    if (!this.renewUnsupported) {
      try {
        await this.renew(sub);
        return sub;
      } catch (err) {
        if (!(err instanceof OnvifError) || err.kind !== 'fault') throw err;
        this.renewUnsupported = true;
        this.svc.log.warn(
          `${this.target.name} (${this.target.id}) cannot Renew its event subscription (${err.message}); ` +
            'making it afresh before it lapses',
        );
      }
    }
    // Enough left for one more short pull: keep it.
    if (left > s.ONVIF_TIMEOUT_MS + 2000) return sub;
    const fresh = await this.create();
    this.sub = fresh;
    subscriptionsRecreated.inc();
    void this.unsubscribe(sub);
    return fresh;
  }

  private async create(): Promise<Subscription> {
    const s = this.settings;
    const res = await this.svc.onvif.call(
      this.target,
      { action: 'CreatePullPointSubscription', terminationS: s.EVENTS_SUBSCRIPTION_SECONDS },
      { timeoutMs: s.ONVIF_TIMEOUT_MS, signal: this.abort.signal },
    );
    const r = path(res.body, 'CreatePullPointSubscriptionResponse');
    const address = text(path(r, 'SubscriptionReference', 'Address'));
    if (!address) throw new OnvifError('fault', 'CreatePullPointSubscription returned no address');
    const grantedMs =
      terminationIn(text(path(r, 'TerminationTime')), text(path(r, 'CurrentTime'))) ??
      s.EVENTS_SUBSCRIPTION_SECONDS * 1000;
    return { address, terminatesAt: Date.now() + grantedMs, grantedMs };
  }

  private async renew(sub: Subscription): Promise<void> {
    const s = this.settings;
    const res = await this.svc.onvif.call(
      this.target,
      { action: 'Renew', terminationS: s.EVENTS_SUBSCRIPTION_SECONDS },
      { timeoutMs: s.ONVIF_TIMEOUT_MS, to: sub.address, signal: this.abort.signal },
    );
    const r = path(res.body, 'RenewResponse');
    const left =
      terminationIn(text(path(r, 'TerminationTime')), text(path(r, 'CurrentTime'))) ??
      s.EVENTS_SUBSCRIPTION_SECONDS * 1000;
    sub.terminatesAt = Date.now() + left;
    sub.grantedMs = left;
  }

  /** A pull came back: events flow (again). */
  private flowing(): void {
    if (this.failures > 0 || loopsByState.get(this) === 'failing') {
      if (loopsByState.get(this) === 'failing')
        this.svc.log.log(`${this.target.name} (${this.target.id}) events flowing again`);
      this.svc.eventsProblem(this.target.id, null);
    }
    this.failures = 0;
    loopsByState.set(this, 'pulling');
  }

  /** Said once per failing spell in the log, always in the metrics and the camera's health reason. */
  private notFlowing(err: unknown): void {
    const kind = err instanceof OnvifError ? err.kind : 'error';
    const message = err instanceof Error ? err.message : String(err);
    subscriptionFailures.inc({ kind });
    if (loopsByState.get(this) !== 'failing')
      this.svc.log.warn(`${this.target.name} (${this.target.id}) events not flowing: ${message}`);
    loopsByState.set(this, 'failing');
    this.svc.eventsProblem(this.target.id, `events not flowing: ${message}`.slice(0, 200));
  }
}

/** Time left on a subscription by the camera's own clock (TerminationTime − CurrentTime), as clocks drift. */
function terminationIn(termination: string | undefined, current: string | undefined): number | undefined {
  const t = Date.parse(termination ?? '');
  const c = Date.parse(current ?? '');
  return Number.isFinite(t) && Number.isFinite(c) ? Math.max(0, t - c) : undefined;
}

/**
 * Event intake from cameras: one PullPoint subscription per leased camera that supports events,
 * owned by the gateway holding the lease. Cameras registered without a probe (seeded ones) are
 * probed once here so their event capability and profiles are known. A subscription keeps the
 * address and credentials it was made with; after an edit, refresh() makes it afresh.
 */
@Injectable()
export class PullPoints implements OnModuleInit, BeforeApplicationShutdown {
  readonly log = new Logger('pullpoint');
  private readonly loops = new Map<string, PullPointLoop>();
  /** Per camera, the refresh in progress: refreshes of one camera run one after another. */
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    @Inject(GATEWAY_SETTINGS) readonly settings: GatewaySettings,
    readonly onvif: OnvifClient,
    readonly publisher: RawEventPublisher,
    private readonly leases: CameraLeases,
    private readonly cameras: CameraDirectory,
    private readonly media: CameraMedia,
    private readonly health: CameraHealth,
  ) {}

  onModuleInit(): void {
    this.leases.listen({ acquired: (ids) => this.subscribe(ids), released: (ids) => this.unsubscribe(ids) });
    this.health.onStatusChange((id, status) => {
      if (status !== 'online') return;
      const loop = this.loops.get(id);
      // Back online: wake its loop, or subscribe now if it was unreachable when leased.
      if (loop) loop.wake();
      else void this.subscribe([id]);
    });
    // An edit the api did not tell us about (or whose call was lost) is seen by the health refresh.
    this.health.onConnectionChange((t) => void this.refresh(t.id));
  }

  /** Tells the camera's health (its status reason) that its events do or do not flow. */
  eventsProblem(cameraId: string, problem: string | null): void {
    this.health.setEventsProblem(cameraId, problem);
  }

  subscriptions(): string[] {
    return [...this.loops.keys()];
  }

  /**
   * The camera's record was edited (the api calls this after a probed address or credential
   * change): a subscription made with another address or other credentials is unsubscribed and
   * made afresh from the record; one that still matches is left alone.
   */
  refresh(id: string): Promise<void> {
    const next = (this.refreshing.get(id) ?? Promise.resolve())
      .then(() => this.resubscribe(id))
      .catch((err: unknown) => this.log.warn(`refresh of ${id} failed: ${(err as Error).message}`))
      .finally(() => {
        if (this.refreshing.get(id) === next) this.refreshing.delete(id);
      });
    this.refreshing.set(id, next);
    return next;
  }

  private async resubscribe(id: string): Promise<void> {
    if (!this.leases.owns(id)) return;
    const [fresh] = await this.cameras.many([id]);
    const loop = this.loops.get(id);
    if (loop && fresh?.events && sameConnection(loop.target, fresh)) return;
    if (loop) {
      this.loops.delete(id);
      await loop.stop();
    }
    if (fresh) await this.subscribe([id]);
  }

  private async subscribe(ids: string[]): Promise<void> {
    const targets = await this.cameras.many(ids);
    for (const t of targets) {
      if (this.loops.has(t.id) || !this.leases.owns(t.id)) continue;
      const target = t.mainProfileToken
        ? t
        : await this.media.enrich(t).catch((err: unknown) => {
            this.log.warn(`reading the profiles of ${t.id} failed: ${(err as Error).message}`);
            return undefined;
          });
      if (!target?.events || this.loops.has(t.id) || !this.leases.owns(t.id)) continue;
      const loop = new PullPointLoop(target, this);
      this.loops.set(t.id, loop);
      loop.start();
    }
  }

  private async unsubscribe(ids: string[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        const loop = this.loops.get(id);
        if (!loop) return;
        this.loops.delete(id);
        await loop.stop();
      }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.unsubscribe([...this.loops.keys()]);
  }
}
