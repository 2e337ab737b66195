import { randomUUID } from 'node:crypto';
import { isoTime, xmlEscape } from './soap';

export type SimEventTopic = 'motion' | 'tampering' | 'digital_input';

export const TOPICS: Record<SimEventTopic, { topic: string; dataItem: string }> = {
  motion: { topic: 'tns1:RuleEngine/CellMotionDetector/Motion', dataItem: 'IsMotion' },
  tampering: { topic: 'tns1:VideoSource/GlobalSceneChange/ImagingService', dataItem: 'State' },
  digital_input: { topic: 'tns1:Device/Trigger/DigitalInput', dataItem: 'LogicalState' },
};

export interface SimEvent {
  topic: SimEventTopic;
  state: boolean;
  utcTime: number;
  videoSourceConfigurationToken: string;
  rule: string;
}

/** The wsnt:NotificationMessage a camera puts in PullMessagesResponse. */
export function notificationXml(e: SimEvent, producer: string): string {
  const t = TOPICS[e.topic];
  const extraSource =
    e.topic === 'digital_input' ? `<tt:SimpleItem Name="InputToken" Value="DigitalInput_1"/>` : '';
  return (
    `<wsnt:NotificationMessage>` +
    `<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${t.topic}</wsnt:Topic>` +
    `<wsnt:ProducerReference><wsa:Address>${xmlEscape(producer)}</wsa:Address></wsnt:ProducerReference>` +
    `<wsnt:Message><tt:Message UtcTime="${isoTime(e.utcTime)}" PropertyOperation="Changed">` +
    `<tt:Source>` +
    `<tt:SimpleItem Name="VideoSourceConfigurationToken" Value="${xmlEscape(e.videoSourceConfigurationToken)}"/>` +
    `<tt:SimpleItem Name="Rule" Value="${xmlEscape(e.rule)}"/>` +
    extraSource +
    `</tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="${t.dataItem}" Value="${e.state}"/></tt:Data>` +
    `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}

/** Enough for a client that stops pulling for a while; older messages are dropped like on a camera. */
const MAX_QUEUE = 100;
/** Longest a PullMessages may be held open, whatever Timeout the client asks for. */
export const MAX_PULL_WAIT_MS = 60_000;

interface Waiter {
  limit: number;
  resolve: (events: SimEvent[]) => void;
  timer: NodeJS.Timeout;
}

class PullPointSubscription {
  readonly id = randomUUID();
  private readonly queue: SimEvent[] = [];
  private waiter: Waiter | undefined;

  constructor(public terminationTime: number) {}

  push(e: SimEvent): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      clearTimeout(w.timer);
      this.queue.push(e);
      w.resolve(this.queue.splice(0, w.limit));
      return;
    }
    this.queue.push(e);
    if (this.queue.length > MAX_QUEUE) this.queue.shift();
  }

  /**
   * Real long poll: resolves as soon as something is queued, or with [] after waitMs. Aborting
   * (the client hung up) resolves [] and leaves queued messages for the next pull.
   */
  pull(limit: number, waitMs: number, signal?: AbortSignal): Promise<SimEvent[]> {
    const n = Math.max(1, limit);
    if (signal?.aborted) return Promise.resolve([]);
    if (this.queue.length > 0) return Promise.resolve(this.queue.splice(0, n));
    this.cancel();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          if (this.waiter === waiter) this.waiter = undefined;
          resolve([]);
        },
        Math.max(0, Math.min(waitMs, MAX_PULL_WAIT_MS)),
      );
      const waiter: Waiter = { limit: n, resolve, timer };
      this.waiter = waiter;
      signal?.addEventListener(
        'abort',
        () => {
          if (this.waiter === waiter) this.cancel();
        },
        { once: true },
      );
    });
  }

  /** Answers a held PullMessages with nothing (new pull on the same point, unsubscribe, shutdown). */
  cancel(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve([]);
  }
}

export class EventBroker {
  private readonly subs = new Map<string, PullPointSubscription>();

  create(terminationTime: number): PullPointSubscription {
    const s = new PullPointSubscription(terminationTime);
    this.subs.set(s.id, s);
    return s;
  }

  get(id: string, now = Date.now()): PullPointSubscription | undefined {
    const s = this.subs.get(id);
    if (s && s.terminationTime <= now) {
      this.remove(id);
      return undefined;
    }
    return s;
  }

  remove(id: string): boolean {
    const s = this.subs.get(id);
    if (!s) return false;
    s.cancel();
    this.subs.delete(id);
    return true;
  }

  publish(e: SimEvent, now = Date.now()): number {
    let delivered = 0;
    for (const s of [...this.subs.values()]) {
      if (s.terminationTime <= now) {
        this.remove(s.id);
        continue;
      }
      s.push(e);
      delivered++;
    }
    return delivered;
  }

  sweep(now = Date.now()): void {
    for (const s of [...this.subs.values()]) if (s.terminationTime <= now) this.remove(s.id);
  }

  get size(): number {
    return this.subs.size;
  }

  closeAll(): void {
    for (const id of [...this.subs.keys()]) this.remove(id);
  }
}
