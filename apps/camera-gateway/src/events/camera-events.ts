import type { AlertType, RawEvent } from '@xueliang/contracts';
import type { NotificationItem } from '../onvif/soap-response';

export interface EventCamera {
  id: string;
  name: string;
  regionId: string;
  lon: number;
  lat: number;
}

/**
 * The event topics major vendors send, with the ONVIF Data item that carries the state (Core
 * spec 9.x topics and the Analytics service's rule topics; Source items are per the spec: rule
 * topics name VideoSourceConfigurationToken, VideoAnalyticsConfigurationToken and Rule,
 * VideoSource topics name Source, DigitalInput names InputToken). `event` topics have no state:
 * every message is one occurrence (a line was crossed).
 */
const TOPIC_RULES: readonly { topic: RegExp; type: AlertType; items?: readonly string[]; event?: true }[] = [
  // Hikvision, Dahua, Uniview: the cell motion detector rule.
  { topic: /^RuleEngine\/CellMotionDetector\/Motion$/, type: 'motion', items: ['IsMotion'] },
  // Axis and many others: the video source's own motion alarm.
  { topic: /^VideoSource\/MotionAlarm$/, type: 'motion', items: ['State'] },
  // Field detector (intrusion / region entrance): objects inside the field.
  { topic: /^RuleEngine\/FieldDetector\/ObjectsInside$/, type: 'intrusion', items: ['IsInside'] },
  // Line detector (tripwire / line crossing): each message is a crossing.
  { topic: /^RuleEngine\/LineDetector\/Crossed$/, type: 'line_crossing', event: true },
  // Tamper: the tamper detector rule, or a global scene change of the image.
  { topic: /^RuleEngine\/TamperDetector\/Tamper$/, type: 'tampering', items: ['IsTamper'] },
  { topic: /^VideoSource\/GlobalSceneChange(\/[A-Za-z]+)?$/, type: 'tampering', items: ['State'] },
  // Alarm input contacts.
  { topic: /^Device\/Trigger\/DigitalInput$/, type: 'digital_input', items: ['LogicalState'] },
  { topic: /^Device\/IO\/(Digital)?Input$/, type: 'digital_input', items: ['LogicalState', 'State'] },
];

/** The topic without namespace prefixes (tns1:, tnsvendor:, …) on any of its parts. */
export function topicPath(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((part) => part.replace(/^[^:]*:/, ''))
    .join('/');
}

/** ONVIF topic + data item → our alert type. Only the states that mean "something happened". */
function alertTypeOf(n: NotificationItem): { type: AlertType; active: boolean; event?: true } | undefined {
  const t = topicPath(n.topic);
  const flag = (v: string | undefined): boolean => v === 'true' || v === '1';
  for (const rule of TOPIC_RULES) {
    if (!rule.topic.test(t)) continue;
    if (rule.event) return { type: rule.type, active: true, event: true };
    const item = rule.items?.find((k) => k in n.data);
    if (item) return { type: rule.type, active: flag(n.data[item]) };
  }
  // Vendor topics outside the spec's names that still say what they are.
  if (/Motion/i.test(t) && ('IsMotion' in n.data || 'State' in n.data))
    return { type: 'motion', active: flag(n.data['IsMotion'] ?? n.data['State']) };
  if (/Tamper|SceneChange/i.test(t))
    return { type: 'tampering', active: flag(n.data['State'] ?? n.data['IsTamper']) };
  if (/DigitalInput/i.test(t))
    return { type: 'digital_input', active: flag(n.data['LogicalState'] ?? n.data['State']) };
  return undefined;
}

/**
 * Rising-edge filter: a notification becomes a RawEvent only when its state turns true.
 * "Initialized" messages report the current state when a subscription starts; they set the
 * state but never raise an event.
 */
export class EdgeDetector {
  private readonly last = new Map<string, boolean>();

  accept(n: NotificationItem): { type: AlertType } | undefined {
    const mapped = alertTypeOf(n);
    if (!mapped) return undefined;
    const key = `${n.topic}|${Object.entries(n.source)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}`;
    // A one-off event (a line crossed) has no state to follow: each is an occurrence.
    if (mapped.event) return n.operation === 'Initialized' ? undefined : { type: mapped.type };
    const before = this.last.get(key) ?? false;
    this.last.set(key, mapped.active);
    if (n.operation === 'Initialized') return undefined;
    return mapped.active && !before ? { type: mapped.type } : undefined;
  }
}

const TITLES: Partial<Record<AlertType, string>> = {
  motion: '移动侦测',
  tampering: '视频遮挡/场景变更',
  intrusion: '区域入侵',
  line_crossing: '越线',
  digital_input: '报警输入',
  camera_offline: '摄像机离线',
};

/** The id is derived from the camera's own event time, so a re-delivered notification maps to the same job. */
export function cameraEvent(
  cam: EventCamera,
  type: AlertType,
  utcTime: string,
  extra: Partial<RawEvent> = {},
): RawEvent {
  const at = Number.isFinite(Date.parse(utcTime))
    ? new Date(utcTime).toISOString()
    : new Date().toISOString();
  return {
    id: `cam:${cam.id}:${type}:${at}`,
    source: 'camera',
    type,
    occurredAt: at,
    cameraId: cam.id,
    regionId: cam.regionId,
    location: { lon: cam.lon, lat: cam.lat },
    title: `${TITLES[type] ?? type} · ${cam.name}`.slice(0, 200),
    ...extra,
  };
}

/** camera_offline, or its recovery, from a health status change. */
export function healthEvent(
  cam: EventCamera,
  to: 'online' | 'offline',
  at: Date,
  reason: string | null,
): RawEvent {
  const recovered = to === 'online';
  return {
    ...cameraEvent(cam, 'camera_offline', at.toISOString()),
    id: `cam:${cam.id}:${recovered ? 'online' : 'offline'}:${at.toISOString()}`,
    title: `${recovered ? '摄像机恢复在线' : '摄像机离线'} · ${cam.name}`.slice(0, 200),
    description: recovered ? undefined : `reason: ${reason ?? 'unknown'}`,
    recovered,
    attributes: { reason },
  };
}
