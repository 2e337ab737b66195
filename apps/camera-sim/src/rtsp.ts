import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { PROFILES, SimCamera, StreamKind } from './camera';
import { digestChallenge, NonceBook, verifyAuthorization } from './digest';
import { sdpMedia } from './media/h26x';
import { ClipStore } from './media/clips';
import { OsdPainter } from './media/osd';
import { StreamClock, StreamSource } from './media/stream-source';

export interface RtspServerOptions {
  host: string;
  port: number;
  camera: (id: string) => SimCamera | undefined;
  clips: ClipStore;
  log: (msg: string) => void;
}

interface RtspRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

interface Session {
  id: string;
  cam: SimCamera;
  kind: StreamKind;
  channel: number;
  detach?: () => void;
}

const PUBLIC = 'OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, GET_PARAMETER, SET_PARAMETER';
const SESSION_TIMEOUT_S = 60;
const MAX_REQUEST_BYTES = 64 * 1024;

function parseRtspPath(url: string): { camId: string; kind: StreamKind; rest: string } | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url;
  }
  const m = /^\/cam\/([^/]+)\/(main|sub)(?:\/(.*))?$/.exec(pathname);
  return m ? { camId: m[1], kind: m[2] as StreamKind, rest: m[3] ?? '' } : undefined;
}

/** One connection: RTSP requests in, RTSP replies and interleaved RTP out. */
class RtspConnection {
  private buf: Buffer = Buffer.alloc(0);
  private readonly sessions = new Map<string, Session>();
  private queue: Promise<void> = Promise.resolve();
  camIds = new Set<string>();

  constructor(
    readonly socket: net.Socket,
    private readonly server: RtspServer,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(SESSION_TIMEOUT_S * 1000);
    socket.on('timeout', () => {
      if (![...this.sessions.values()].some((s) => s.detach)) socket.destroy();
    });
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    socket.on('close', () => this.close());
  }

  close(): void {
    for (const s of this.sessions.values()) s.detach?.();
    this.sessions.clear();
    this.server.forget(this);
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.buf.length === 0) return;
      if (this.buf[0] === 0x24) {
        // Interleaved data from the client (RTCP receiver reports): skip it.
        if (this.buf.length < 4) return;
        const len = this.buf.readUInt16BE(2);
        if (this.buf.length < 4 + len) return;
        this.buf = this.buf.subarray(4 + len);
        continue;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_REQUEST_BYTES) this.socket.destroy();
        return;
      }
      const head = this.buf.subarray(0, end).toString('utf8');
      const req = parseRequest(head);
      const bodyLen = Number(req?.headers['content-length'] ?? 0) || 0;
      if (this.buf.length < end + 4 + bodyLen) return;
      this.buf = this.buf.subarray(end + 4 + bodyLen);
      if (!req) {
        this.reply({ method: '', url: '', headers: {} }, 400, 'Bad Request');
        continue;
      }
      // Replies go out in request order even when DESCRIBE waits for an encode.
      this.queue = this.queue
        .then(() => this.handle(req))
        .catch((e: unknown) => {
          this.server.log(`rtsp: ${(e as Error).message}`);
          this.reply(req, 500, 'Internal Server Error');
        });
    }
  }

  reply(
    req: RtspRequest,
    code: number,
    text: string,
    headers: Record<string, string | number> = {},
    body = '',
  ): void {
    if (this.socket.destroyed) return;
    const lines = [
      `RTSP/1.0 ${code} ${text}`,
      `CSeq: ${req.headers['cseq'] ?? '0'}`,
      'Server: Xueliang-Sim RTSP/1.0',
    ];
    lines.push(`Date: ${new Date().toUTCString()}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  private authorized(req: RtspRequest, cam: SimCamera): boolean {
    const verdict = verifyAuthorization(req.headers['authorization'], {
      method: req.method,
      username: cam.username,
      password: cam.password,
      isKnownNonce: (n) => this.server.nonces.has(n),
    });
    if (verdict === 'ok') return true;
    this.reply(req, 401, 'Unauthorized', { 'WWW-Authenticate': digestChallenge(this.server.nonces.issue()) });
    return false;
  }

  private async handle(req: RtspRequest): Promise<void> {
    if (this.socket.destroyed) return;
    if (req.method === 'OPTIONS') return this.reply(req, 200, 'OK', { Public: PUBLIC });
    const target = parseRtspPath(req.url);
    const cam = target && this.server.opts.camera(target.camId);
    if (req.method === 'GET_PARAMETER' || req.method === 'SET_PARAMETER') {
      return this.reply(req, 200, 'OK', req.headers['session'] ? { Session: req.headers['session'] } : {});
    }
    if (req.method === 'TEARDOWN') {
      const sid = (req.headers['session'] ?? '').split(';')[0].trim();
      const s = this.sessions.get(sid);
      s?.detach?.();
      this.sessions.delete(sid);
      return this.reply(req, 200, 'OK', { Session: sid });
    }
    if (!target || !cam) return this.reply(req, 404, 'Stream Not Found');
    if (!cam.online) {
      // An offline camera answers nothing: drop the connection.
      this.socket.destroy();
      return;
    }
    this.camIds.add(cam.id);
    if (!this.authorized(req, cam)) return;
    const profile = PROFILES[target.kind];
    const base = `rtsp://${this.server.opts.host}:${this.server.port}/cam/${cam.id}/${target.kind}`;
    switch (req.method) {
      case 'DESCRIBE': {
        const { clip } = await this.server.opts.clips.clip(cam.identity.label, cam.identity.codec, profile);
        if (this.socket.destroyed) return;
        const sdp =
          [
            'v=0',
            `o=- ${Date.now()} 1 IN IP4 ${this.server.opts.host}`,
            `s=${cam.identity.label} ${target.kind}`,
            `i=${cam.identity.label}`,
            't=0 0',
            'a=tool:Xueliang camera-sim',
            'a=type:broadcast',
            'a=control:*',
            'a=range:npt=now-',
            sdpMedia(clip, 'trackID=1', profile.width, profile.height, profile.fps),
          ].join('\r\n') + '\r\n';
        return this.reply(
          req,
          200,
          'OK',
          { 'Content-Base': `${base}/`, 'Content-Type': 'application/sdp' },
          sdp,
        );
      }
      case 'SETUP': {
        const transport = req.headers['transport'] ?? '';
        if (!/RTP\/AVP\/TCP/i.test(transport)) {
          // TCP only, like many cameras behind NAT: clients fall back to interleaved.
          return this.reply(req, 461, 'Unsupported Transport');
        }
        // A client that names no channels gets the next free pair (RFC 2326 §10.12).
        const m = /interleaved=(\d+)(?:-(\d+))?/.exec(transport) ?? [
          '',
          String(this.sessions.size * 2),
          String(this.sessions.size * 2 + 1),
        ];
        const channel = Number(m[1]);
        const source = await this.server.source(cam, target.kind);
        const sid =
          (req.headers['session'] ?? '').split(';')[0].trim() || randomBytes(6).toString('hex').toUpperCase();
        this.sessions.get(sid)?.detach?.();
        this.sessions.set(sid, { id: sid, cam, kind: target.kind, channel });
        return this.reply(req, 200, 'OK', {
          Transport: `RTP/AVP/TCP;unicast;interleaved=${channel}-${m[2] ?? channel + 1};ssrc=${source.ssrc.toString(16).toUpperCase().padStart(8, '0')};mode="PLAY"`,
          Session: `${sid};timeout=${SESSION_TIMEOUT_S}`,
        });
      }
      case 'PLAY': {
        const sid = (req.headers['session'] ?? '').split(';')[0].trim();
        const s = this.sessions.get(sid);
        if (!s) return this.reply(req, 454, 'Session Not Found');
        const source = await this.server.source(s.cam, s.kind);
        const next = source.next();
        this.reply(req, 200, 'OK', {
          Session: `${sid};timeout=${SESSION_TIMEOUT_S}`,
          Range: 'npt=0.000-',
          'RTP-Info': `url=${base}/trackID=1;seq=${next.seq};rtptime=${next.rtptime}`,
        });
        if (!s.detach) {
          const socket = this.socket;
          s.detach = source.add(
            {
              channel: s.channel,
              write: (d) => !socket.destroyed && (socket.write(d), true),
              backlog: () => socket.writableLength,
            },
            () => this.close(),
          );
          this.server.log(
            `rtsp: ${s.cam.id}/${s.kind} playing to ${socket.remoteAddress}:${socket.remotePort}`,
          );
        }
        return;
      }
      default:
        return this.reply(req, 405, 'Method Not Allowed', { Allow: PUBLIC });
    }
  }
}

function parseRequest(head: string): RtspRequest | undefined {
  const [first, ...rest] = head.split('\r\n');
  const m = /^([A-Z_]+) (\S+) RTSP\/1\.0$/.exec(first ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of rest) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { method: m[1], url: m[2], headers };
}

/**
 * The fleet's shared RTSP server: rtsp://host:port/cam/<id>/main|sub, Digest auth per camera,
 * RTP/AVP/TCP interleaved only (UDP SETUP gets 461 so clients fall back to TCP).
 */
export class RtspServer {
  private server: net.Server | undefined;
  private readonly conns = new Set<RtspConnection>();
  private readonly sources = new Map<string, Promise<StreamSource>>();
  readonly nonces = new NonceBook();
  port = 0;

  constructor(readonly opts: RtspServerOptions) {}

  log(msg: string): void {
    this.opts.log(msg);
  }

  async start(): Promise<number> {
    const server = net.createServer((socket) => {
      const conn = new RtspConnection(socket, this);
      this.conns.add(conn);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  source(cam: SimCamera, kind: StreamKind): Promise<StreamSource> {
    const key = `${cam.id}/${kind}`;
    let s = this.sources.get(key);
    if (!s) {
      const profile = PROFILES[kind];
      s = this.opts.clips
        .clip(cam.identity.label, cam.identity.codec, profile)
        .then(
          ({ clip, osd }) =>
            new StreamSource(clip, profile.fps, osd && new OsdPainter(osd, () => cam.osdText())),
        );
      this.sources.set(key, s);
      s.catch(() => this.sources.delete(key));
    }
    return s;
  }

  async clock(cam: SimCamera, kind: StreamKind): Promise<StreamClock | undefined> {
    const s = this.sources.get(`${cam.id}/${kind}`);
    return s ? (await s).clock() : undefined;
  }

  forget(conn: RtspConnection): void {
    this.conns.delete(conn);
  }

  /** Drops every RTSP connection that touched this camera; returns how many. */
  dropCamera(camId: string): number {
    let n = 0;
    for (const c of [...this.conns]) {
      if (c.camIds.has(camId)) {
        c.close();
        n++;
      }
    }
    return n;
  }

  get connections(): number {
    return this.conns.size;
  }

  async stop(): Promise<void> {
    for (const c of [...this.conns]) c.close();
    // A source whose start failed has nothing to halt (its failure reached the client that asked).
    for (const s of this.sources.values()) s.then((x) => x.halt()).catch(() => undefined);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
