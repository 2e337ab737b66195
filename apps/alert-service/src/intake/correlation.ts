import type { AlertType, Priority, RawEvent } from '@xueliang/contracts';

/**
 * What correlation groups on: source + subject (camera, else checkpoint, else region) + type.
 * A person raising an alert by hand means a new alert every time, so manual events key on
 * their own id and never join another. The platform's own events name their subject (a sign-in
 * attack: the username) in `attributes.subject`.
 */
export function correlationKey(event: RawEvent): string {
  if (event.source === 'manual') return `manual|${event.id}`.slice(0, 200);
  const subject = event.cameraId
    ? `camera:${event.cameraId}`
    : event.checkpointId
      ? `checkpoint:${event.checkpointId}`
      : typeof event.attributes?.subject === 'string' && event.source === 'system'
        ? event.attributes.subject
        : `region:${event.regionId ?? 'none'}`;
  return `${event.source}|${subject}|${event.type}`;
}

/** Priority when the event names none: what the type usually means for the duty room. */
export const DEFAULT_PRIORITY: Record<AlertType, Priority> = {
  motion: 'low',
  tampering: 'high',
  line_crossing: 'medium',
  intrusion: 'high',
  crowding: 'high',
  camera_offline: 'medium',
  digital_input: 'medium',
  checkpoint_alarm: 'medium',
  dispute: 'medium',
  public_safety: 'high',
  fire: 'high',
  traffic: 'medium',
  environment: 'low',
  other: 'low',
  login_attack: 'high',
  scope_probe: 'high',
  recording_stopped: 'medium',
  storage_high_water: 'high',
};

/** zh-CN names of the types, for titles of alerts whose event brought none. */
export const TYPE_TITLE: Record<AlertType, string> = {
  motion: '移动侦测',
  tampering: '视频遮挡/破坏',
  line_crossing: '越线',
  intrusion: '区域入侵',
  crowding: '人员聚集',
  camera_offline: '摄像机离线',
  digital_input: '报警输入',
  checkpoint_alarm: '卡口报警',
  dispute: '矛盾纠纷',
  public_safety: '治安警情',
  fire: '火情',
  traffic: '交通事件',
  environment: '环境隐患',
  other: '其他事件',
  login_attack: '登录攻击',
  scope_probe: '越权访问',
  recording_stopped: '录像中断',
  storage_high_water: '录像存储将满',
};

/** Types whose end is reported by an event with `recovered: true` (same correlation key). */
const RECOVERABLE: readonly AlertType[] = ['camera_offline', 'recording_stopped'];

/** True when this event reports the end of an outage (camera offline, recording stopped) rather than a new one. */
export function isRecovery(event: RawEvent): boolean {
  return RECOVERABLE.includes(event.type) && event.recovered === true;
}
