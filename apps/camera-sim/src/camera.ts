import { CameraBehaviour, DEFAULT_BEHAVIOUR } from './behaviour';
import { EventBroker, SimEvent, SimEventTopic, TOPICS } from './events';
import { CameraIdentity } from './identity';
import { osdLine } from './media/osd-text';
import { PtzState } from './ptz';

export type StreamKind = 'main' | 'sub';

export interface StreamProfile {
  kind: StreamKind;
  token: string;
  name: string;
  encoderToken: string;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  gop: number;
}

export const VIDEO_SOURCE_CONFIG_TOKEN = 'VideoSourceConfig_1';
export const PTZ_CONFIG_TOKEN = 'PTZConfig_1';
export const PTZ_NODE_TOKEN = 'PTZNode_1';

export const PROFILES: Record<StreamKind, StreamProfile> = {
  main: {
    kind: 'main',
    token: 'Profile_1',
    name: 'mainStream',
    encoderToken: 'VideoEncoder_1',
    width: 640,
    height: 360,
    fps: 15,
    bitrateKbps: 300,
    gop: 15,
  },
  sub: {
    kind: 'sub',
    token: 'Profile_2',
    name: 'subStream',
    encoderToken: 'VideoEncoder_2',
    width: 320,
    height: 180,
    fps: 15,
    bitrateKbps: 120,
    gop: 15,
  },
};

export function profileByToken(token: string | undefined): StreamProfile | undefined {
  return Object.values(PROFILES).find((p) => p.token === token);
}

/** What a client sees of one camera; the control API lists this. */
export interface CameraInfo {
  id: string;
  name: string;
  serialNumber: string;
  hardwareId: string;
  uuid: string;
  model: string;
  location: { lat: number; lon: number };
  ptz: boolean;
  codec: 'h264' | 'h265';
  online: boolean;
  slowMs: number;
  xaddr: string;
  rtsp: { main: string; sub: string };
  snapshot: string;
  username: string;
  password: string;
  subscriptions: number;
  behaviour: CameraBehaviour;
}

/** One simulated device: identity, credentials, its own HTTP port, PTZ and event state. */
export class SimCamera {
  online = true;
  /** Extra delay before every SOAP reply (slow or congested uplink). */
  slowMs = 0;
  /** A snapshot URI to report instead of its own (a device naming another host, for tests). */
  snapshotOverride: string | undefined;
  /** A stream URI to report for both profiles instead of its own (a device naming another host). */
  streamOverride: string | undefined;
  /** How this camera deviates from the textbook (SOAP 1.1, HTTP Digest only, NAT, …). */
  behaviour: CameraBehaviour = { ...DEFAULT_BEHAVIOUR };
  readonly ptz: PtzState | undefined;
  readonly events = new EventBroker();
  httpPort = 0;
  private readonly seenNonces = new Map<string, number>();

  constructor(
    readonly identity: CameraIdentity,
    readonly host: string,
    readonly username: string,
    readonly password: string,
    private readonly rtspBase: () => string,
  ) {
    this.ptz = identity.ptz ? new PtzState() : undefined;
  }

  get id(): string {
    return this.identity.id;
  }

  /** What the camera's picture shows on top: the clock and, for a dome, its PTZ position. */
  osdText(): string {
    return osdLine(Date.now(), this.ptz?.position());
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.httpPort}`;
  }

  get xaddr(): string {
    return `${this.baseUrl}/onvif/device_service`;
  }

  /** The base of the addresses the camera reports: behind NAT, its internal one. */
  private get reportedBase(): string {
    const internal = this.behaviour.internalHost;
    return internal ? `http://${internal}` : this.baseUrl;
  }

  serviceUrl(service: 'device' | 'media' | 'media2' | 'ptz' | 'events'): string {
    return `${this.reportedBase}/onvif/${service}_service`;
  }

  subscriptionUrl(id: string): string {
    return `${this.reportedBase}/onvif/events/pullpoint/${id}`;
  }

  snapshotUrl(kind: StreamKind = 'main'): string {
    if (this.snapshotOverride) return this.snapshotOverride;
    return `${this.reportedBase}/onvif/snapshot.jpg?profile=${PROFILES[kind].token}`;
  }

  rtspUrl(kind: StreamKind): string {
    if (this.streamOverride) return this.streamOverride;
    const own = `${this.rtspBase()}/cam/${this.id}/${kind}`;
    const internal = this.behaviour.internalHost;
    // NAT: the device names its internal host; the RTSP port is forwarded as is.
    return internal ? own.replace(/^rtsp:\/\/[^/:]+/, `rtsp://${internal}`) : own;
  }

  fire(topic: SimEventTopic, state: boolean): { event: SimEvent; delivered: number } {
    const event: SimEvent = {
      topic,
      state,
      utcTime: Date.now(),
      videoSourceConfigurationToken: VIDEO_SOURCE_CONFIG_TOKEN,
      rule: TOPICS[topic].rule,
    };
    return { event, delivered: this.events.publish(event) };
  }

  /** WS-Security replay guard: false when this nonce was used recently. */
  rememberNonce(key: string): boolean {
    const now = Date.now();
    if (this.seenNonces.size > 2000) {
      for (const [k, at] of this.seenNonces) if (now - at > 15 * 60_000) this.seenNonces.delete(k);
    }
    if (this.seenNonces.has(key)) return false;
    this.seenNonces.set(key, now);
    return true;
  }

  info(): CameraInfo {
    const i = this.identity;
    return {
      id: i.id,
      name: i.name,
      serialNumber: i.serialNumber,
      hardwareId: i.hardwareId,
      uuid: i.uuid,
      model: i.model,
      location: i.location,
      ptz: i.ptz,
      codec: i.codec,
      online: this.online,
      slowMs: this.slowMs,
      xaddr: this.xaddr,
      rtsp: { main: this.rtspUrl('main'), sub: this.rtspUrl('sub') },
      snapshot: this.snapshotUrl('main'),
      username: this.username,
      password: this.password,
      subscriptions: this.events.size,
      behaviour: { ...this.behaviour },
    };
  }

  scopes(): string[] {
    const i = this.identity;
    return [
      'onvif://www.onvif.org/type/video_encoder',
      ...(i.ptz ? ['onvif://www.onvif.org/type/ptz'] : []),
      'onvif://www.onvif.org/Profile/Streaming',
      `onvif://www.onvif.org/name/${encodeURIComponent(i.name)}`,
      `onvif://www.onvif.org/location/country/china`,
      `onvif://www.onvif.org/location/city/${encodeURIComponent(i.township)}`,
      `onvif://www.onvif.org/hardware/${i.model}`,
    ];
  }
}
