import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
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
  address: string;
  terminatesAt: number;
}

/** One camera's PullPoint: create, long-poll, renew, re-create after errors, until released. */
class PullPointLoop {
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private sub: Subscription | undefined;
  private readonly edges = new EdgeDetector();
  private failures = 0;
  done: Promise<void> = Promise.resolve();

  constructor(
    /** The address and credentials it subscribes with, for its whole life. */
    readonly target: CameraTarget,
    private readonly svc: PullPoints,
  ) {}

  start(): void {
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
    const sub = this.sub;
    this.sub = undefined;
    if (sub) {
      // Best effort: an unanswered Unsubscribe leaves a subscription the camera ends at its termination time.
      await this.svc.onvif
        .call(this.target, { action: 'Unsubscribe' }, { timeoutMs: 1000, to: sub.address })
        .catch(() => undefined);
    }
  }

  private get settings(): GatewaySettings {
    return this.svc.settings;
  }

  private async run(): Promise<void> {
    const s = this.settings;
    while (!this.abort.signal.aborted) {
      try {
        const sub = this.sub ?? (await this.create());
        this.sub = sub;
        if (sub.terminatesAt - Date.now() < (s.EVENTS_SUBSCRIPTION_SECONDS * 1000) / 2) await this.renew(sub);
        const res = await this.svc.onvif.call(
          this.target,
          { action: 'PullMessages', timeoutS: s.EVENTS_PULL_SECONDS, limit: 50 },
          {
            timeoutMs: s.EVENTS_PULL_SECONDS * 1000 + s.ONVIF_TIMEOUT_MS,
            to: sub.address,
            signal: this.abort.signal,
          },
        );
        this.failures = 0;
        for (const n of parseNotifications(res.body)) {
          const edge = this.edges.accept(n);
          if (edge) await this.svc.publisher.publish(cameraEvent(this.target, edge.type, n.utcTime));
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.sub = undefined;
        if (err instanceof OnvifError && err.kind === 'resource_unknown') continue;
        this.failures++;
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
    return {
      address,
      terminatesAt: terminationOf(text(path(r, 'TerminationTime')), text(path(r, 'CurrentTime')), s),
    };
  }

  private async renew(sub: Subscription): Promise<void> {
    const s = this.settings;
    const res = await this.svc.onvif.call(
      this.target,
      { action: 'Renew', terminationS: s.EVENTS_SUBSCRIPTION_SECONDS },
      { timeoutMs: s.ONVIF_TIMEOUT_MS, to: sub.address, signal: this.abort.signal },
    );
    const r = path(res.body, 'RenewResponse');
    sub.terminatesAt = terminationOf(text(path(r, 'TerminationTime')), text(path(r, 'CurrentTime')), s);
  }
}

/** Termination in our clock: the camera's (TerminationTime − CurrentTime) added to now, as camera clocks drift. */
function terminationOf(
  termination: string | undefined,
  current: string | undefined,
  s: GatewaySettings,
): number {
  const t = Date.parse(termination ?? '');
  const c = Date.parse(current ?? '');
  const left = Number.isFinite(t) && Number.isFinite(c) ? t - c : s.EVENTS_SUBSCRIPTION_SECONDS * 1000;
  return Date.now() + left;
}

/**
 * Event intake from cameras: one PullPoint subscription per leased camera that supports events,
 * owned by the gateway holding the lease. Cameras registered without a probe (seeded ones) are
 * probed once here so their event capability and profiles are known. A subscription keeps the
 * address and credentials it was made with; after an edit, refresh() makes it afresh.
 */
@Injectable()
export class PullPoints implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('pullpoint');
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
