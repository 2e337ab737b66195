import { randomUUID } from 'node:crypto';
import { isoTime, xmlEscape } from './soap';

/**
 * The event variants cameras send, named by what they are. Topics, Source and Data item names
 * follow the ONVIF spec (Core 9.x and the Analytics service's rule topics); the vendors' own
 * choice among them is what varies: Hikvision and Dahua send CellMotionDetector, FieldDetector
 * and LineDetector, Axis and many no-names VideoSource/MotionAlarm, tamper comes as either
 * GlobalSceneChange or TamperDetector.
 */
export const SIM_EVENT_TOPICS = [
  'motion',
  'motion_alarm',
  'tampering',
  'tamper_detector',
  'intrusion',
  'line_crossing',
  'digital_input',
] as const;
export type SimEventTopic = (typeof SIM_EVENT_TOPICS)[number];

interface TopicShape {
  topic: string;
  /** Source items: rule engine topics name the configuration and rule, others the source or input. */
  source: 'rule' | 'video-source' | 'input';
  dataItem: string;
  /** A property (has a state, Changed/Initialized) or a one-off event (a line crossed). */
  property: boolean;
  rule: string;
}

export const TOPICS: Record<SimEventTopic, TopicShape> = {
  motion: {
    topic: 'tns1:RuleEngine/CellMotionDetector/Motion',
    source: 'rule',
    dataItem: 'IsMotion',
    property: true,
    rule: 'MyMotionDetectorRule',
  },
  motion_alarm: {
    topic: 'tns1:VideoSource/MotionAlarm',
    source: 'video-source',
    dataItem: 'State',
    property: true,
    rule: '',
  },
  tampering: {
    topic: 'tns1:VideoSource/GlobalSceneChange/ImagingService',
    source: 'video-source',
    dataItem: 'State',
    property: true,
    rule: '',
  },
  tamper_detector: {
    topic: 'tns1:RuleEngine/TamperDetector/Tamper',
    source: 'rule',
    dataItem: 'IsTamper',
    property: true,
    rule: 'MyTamperDetectorRule',
  },
  intrusion: {
    topic: 'tns1:RuleEngine/FieldDetector/ObjectsInside',
    source: 'rule',
    dataItem: 'IsInside',
    property: true,
    rule: 'MyFieldDetectorRule',
  },
  line_crossing: {
    topic: 'tns1:RuleEngine/LineDetector/Crossed',
    source: 'rule',
    dataItem: 'ObjectId',
    property: false,
    rule: 'MyLineDetectorRule',
  },
  digital_input: {
    topic: 'tns1:Device/Trigger/DigitalInput',
    source: 'input',
    dataItem: 'LogicalState',
    property: true,
    rule: '',
  },
};

export interface SimEvent {
  topic: SimEventTopic;
  state: boolean;
  utcTime: number;
  videoSourceConfigurationToken: string;
  rule: string;
}

let objectIds = 0;

/** The wsnt:NotificationMessage a camera puts in PullMessagesResponse. */
export function notificationXml(e: SimEvent, producer: string): string {
  const t = TOPICS[e.topic];
  const item = (name: string, value: string): string =>
    `<tt:SimpleItem Name="${name}" Value="${xmlEscape(value)}"/>`;
  const source =
    t.source === 'rule'
      ? item('VideoSourceConfigurationToken', e.videoSourceConfigurationToken) +
        item('VideoAnalyticsConfigurationToken', 'VideoAnalyticsConfig_1') +
        item('Rule', e.rule)
      : t.source === 'video-source'
        ? item('Source', 'VideoSource_1')
        : item('InputToken', 'DigitalInput_1');
  const data = t.property ? item(t.dataItem, String(e.state)) : item(t.dataItem, String(++objectIds));
  return (
    `<wsnt:NotificationMessage>` +
    `<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${t.topic}</wsnt:Topic>` +
    `<wsnt:ProducerReference><wsa:Address>${xmlEscape(producer)}</wsa:Address></wsnt:ProducerReference>` +
    `<wsnt:Message><tt:Message UtcTime="${isoTime(e.utcTime)}"${t.property ? ' PropertyOperation="Changed"' : ''}>` +
    `<tt:Source>${source}</tt:Source>` +
    (t.property ? '' : `<tt:Key>${item('ObjectId', String(objectIds))}</tt:Key>`) +
    `<tt:Data>${data}</tt:Data>` +
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
