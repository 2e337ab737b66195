import os from 'node:os';
import path from 'node:path';
import { CameraBehaviour, CameraBehaviourPatch } from './behaviour';
import { CameraInfo, SimCamera, StreamKind } from './camera';
import { CameraHttpServer } from './camera-http';
import { DiscoveryResponder } from './discovery';
import { SimEventTopic } from './events';
import { makeIdentity } from './identity';
import { ClipStore } from './media/clips';
import { StreamClock } from './media/stream-source';
import { PtzSnapshot } from './ptz';
import { RtspServer } from './rtsp';

export interface FleetOptions {
  /** Number of cameras (default 60). */
  count?: number;
  /** Address every server binds to and every URL names (default 127.0.0.1). */
  host?: string;
  /** First camera's ONVIF HTTP port; camera i gets basePort + i. 0 = ephemeral ports (tests). Default 0. */
  basePort?: number;
  /** Shared RTSP port; 0 = ephemeral. Default 0. */
  rtspPort?: number;
  /** Credentials of every camera (default admin / sim12345), or a function for per-camera ones. */
  username?: string;
  password?: string | ((index: number) => string);
  /** Every Nth camera (1-based: cameras N, 2N, …) is a PTZ dome. Default 5; 0 = none. */
  ptzEvery?: number;
  /** 0-based indexes of cameras that stream H.265 instead of H.264. */
  h265?: number[];
  /** WS-Discovery responder (default on). */
  discovery?: boolean;
  /** UDP port of the responder: 3702 by default, 0 for ephemeral. */
  discoveryPort?: number;
  /** Join 239.255.255.250 (default true); otherwise unicast probes only. */
  multicast?: boolean;
  /** Prefix of names and video labels. */
  namePrefix?: string;
  /** Seed of names, serials, MACs and positions (default 1). */
  seed?: number;
  /** Default `ffmpeg`; the sim's main passes FFMPEG_PATH (the fleet reads no environment). */
  ffmpegPath?: string;
  /** Where encoded clips and snapshots are cached across runs (default var/sim-cache). */
  cacheDir?: string;
  /** Parallel ffmpeg encodes (default: cores − 1, at least 1). */
  encodeConcurrency?: number;
  log?: (msg: string) => void;
}

/** A running fleet of simulated IP cameras. See apps/camera-sim/README.md. */
export class CameraFleet {
  private readonly byId = new Map<string, SimCamera>();
  private readonly http = new Map<string, CameraHttpServer>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  discoveryPort: number | undefined;

  private constructor(
    readonly cameras: SimCamera[],
    private readonly rtsp: RtspServer,
    private readonly clips: ClipStore,
    private readonly discovery: DiscoveryResponder | undefined,
    private readonly log: (msg: string) => void,
  ) {
    for (const c of cameras) this.byId.set(c.id, c);
  }

  static async start(options: FleetOptions = {}): Promise<CameraFleet> {
    const o = {
      count: options.count ?? 60,
      host: options.host ?? '127.0.0.1',
      basePort: options.basePort ?? 0,
      rtspPort: options.rtspPort ?? 0,
      username: options.username ?? 'admin',
      password: options.password ?? 'sim12345',
      ptzEvery: options.ptzEvery ?? 5,
      h265: new Set(options.h265 ?? []),
      discovery: options.discovery ?? true,
      discoveryPort: options.discoveryPort ?? 3702,
      multicast: options.multicast ?? true,
      namePrefix: options.namePrefix ?? '',
      seed: options.seed ?? 1,
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
      cacheDir: path.resolve(options.cacheDir ?? 'var/sim-cache'),
      encodeConcurrency: options.encodeConcurrency ?? Math.max(1, os.cpus().length - 1),
      log: options.log ?? (() => undefined),
    };
    const clips = new ClipStore({
      ffmpegPath: o.ffmpegPath,
      cacheDir: o.cacheDir,
      concurrency: o.encodeConcurrency,
      log: o.log,
    });
    const cameras: SimCamera[] = [];
    let rtspBase = '';
    for (let i = 0; i < o.count; i++) {
      const identity = makeIdentity(i, {
        seed: o.seed,
        namePrefix: o.namePrefix,
        ptz: o.ptzEvery > 0 && (i + 1) % o.ptzEvery === 0,
        codec: o.h265.has(i) ? 'h265' : 'h264',
      });
      const password = typeof o.password === 'function' ? o.password(i) : o.password;
      cameras.push(new SimCamera(identity, o.host, o.username, password, () => rtspBase));
    }
    const byId = new Map(cameras.map((c) => [c.id, c]));
    const rtsp = new RtspServer({
      host: o.host,
      port: o.rtspPort,
      camera: (id) => byId.get(id),
      clips,
      log: o.log,
    });
    const discovery = o.discovery
      ? new DiscoveryResponder({
          port: o.discoveryPort,
          host: o.host,
          multicast: o.multicast,
          cameras: () => cameras,
          log: o.log,
        })
      : undefined;
    const fleet = new CameraFleet(cameras, rtsp, clips, discovery, o.log);
    try {
      const rtspPort = await rtsp.start();
      rtspBase = `rtsp://${o.host}:${rtspPort}`;
      for (const cam of cameras) {
        const server = new CameraHttpServer(cam, clips);
        fleet.http.set(cam.id, server);
        cam.httpPort = await server.start(o.host, o.basePort ? o.basePort + cam.identity.index : 0);
      }
      if (discovery) {
        // 3702 is often held by another ONVIF tool; the cameras are still useful without discovery.
        fleet.discoveryPort = await discovery.start().catch((e: Error) => {
          o.log(`discovery disabled: cannot bind UDP ${o.discoveryPort} (${e.message})`);
          return undefined;
        });
      }
    } catch (e) {
      await fleet.stop();
      throw e;
    }
    fleet.sweepTimer = setInterval(() => {
      for (const c of cameras) c.events.sweep();
    }, 5000);
    fleet.sweepTimer.unref();
    o.log(
      `camera-sim: ${cameras.length} cameras on ${o.host}, ONVIF ports ${cameras[0]?.httpPort ?? '-'}…${cameras.at(-1)?.httpPort ?? '-'}, ` +
        `RTSP ${rtspBase}, discovery ${fleet.discoveryPort ?? 'off'}`,
    );
    return fleet;
  }

  get rtspPort(): number {
    return this.rtsp.port;
  }

  camera(id: string): SimCamera | undefined {
    return this.byId.get(id);
  }

  /** Everything a client needs per camera: xaddr, RTSP URIs, credentials, state. */
  list(): CameraInfo[] {
    return this.cameras.map((c) => c.info());
  }

  private need(id: string): SimCamera {
    const c = this.byId.get(id);
    if (!c) throw new Error(`unknown camera ${id}`);
    return c;
  }

  fireEvent(id: string, topic: SimEventTopic, state = true): number {
    const { delivered } = this.need(id).fire(topic, state);
    this.log(`event ${topic}=${state} on ${id} → ${delivered} subscription(s)`);
    return delivered;
  }

  setOffline(id: string): void {
    const c = this.need(id);
    c.online = false;
    this.http.get(id)?.dropConnections();
    this.rtsp.dropCamera(id);
    this.discovery?.announce(c, 'Bye');
    this.log(`${id} offline`);
  }

  setOnline(id: string): void {
    const c = this.need(id);
    const was = c.online;
    c.online = true;
    if (!was) this.discovery?.announce(c, 'Hello');
    this.log(`${id} online`);
  }

  /** Drops the camera's current RTSP sessions (a network blip); new ones are accepted. */
  cutStream(id: string): number {
    this.need(id);
    const n = this.rtsp.dropCamera(id);
    this.log(`${id} stream cut (${n} connection(s))`);
    return n;
  }

  /** Makes the camera report another snapshot URI (null: its own again), e.g. one on another host. */
  setSnapshotUri(id: string, uri: string | null): void {
    this.need(id).snapshotOverride = uri ?? undefined;
    this.log(`${id} snapshot URI ${uri ?? 'own'}`);
  }

  /** Makes the camera report another RTSP URI for its streams (null: its own again). */
  setStreamUri(id: string, uri: string | null): void {
    this.need(id).streamOverride = uri ?? undefined;
    this.log(`${id} stream URI ${uri ?? 'own'}`);
  }

  /** Makes the camera behave like a variant of real firmware (see behaviour.ts); returns the whole behaviour. */
  setBehaviour(id: string, patch: CameraBehaviourPatch): CameraBehaviour {
    const c = this.need(id);
    c.behaviour = { ...c.behaviour, ...patch };
    this.log(`${id} behaviour ${JSON.stringify(patch)}`);
    return { ...c.behaviour };
  }

  setSlow(id: string, ms: number): void {
    this.need(id).slowMs = Math.max(0, ms);
    this.log(`${id} slow ${ms} ms`);
  }

  ptz(id: string): PtzSnapshot | undefined {
    return this.need(id).ptz?.snapshot();
  }

  streamClock(id: string, kind: StreamKind = 'main'): Promise<StreamClock | undefined> {
    return this.rtsp.clock(this.need(id), kind);
  }

  get rtspConnections(): number {
    return this.rtsp.connections;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const c of this.cameras) c.events.closeAll();
    this.clips.stop();
    await Promise.all([
      this.rtsp.stop(),
      this.discovery?.stop(),
      ...[...this.http.values()].map((s) => s.stop()),
    ]);
  }
}
