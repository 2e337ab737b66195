import type { AlertType, RawEvent } from '@xueliang/contracts';
import type { NotificationItem } from '../onvif/soap-response';

export interface EventCamera {
  id: string;
  name: string;
  regionId: string;
  lon: number;
  lat: number;
}

/** ONVIF topic + data item → our alert type. Only the states that mean "something happened". */
function alertTypeOf(n: NotificationItem): { type: AlertType; active: boolean } | undefined {
  const t = n.topic;
  const flag = (v: string | undefined): boolean => v === 'true' || v === '1';
  if (
    /MotionAlarm|CellMotionDetector\/Motion|MotionDetector/i.test(t) &&
    ('IsMotion' in n.data || 'State' in n.data)
  ) {
    return { type: 'motion', active: flag(n.data['IsMotion'] ?? n.data['State']) };
  }
  if (/GlobalSceneChange|Tamper/i.test(t))
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
    const before = this.last.get(key) ?? false;
    this.last.set(key, mapped.active);
    if (n.operation === 'Initialized') return undefined;
    return mapped.active && !before ? { type: mapped.type } : undefined;
  }
}

const TITLES: Partial<Record<AlertType, string>> = {
  motion: '移动侦测',
  tampering: '视频遮挡/场景变更',
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
