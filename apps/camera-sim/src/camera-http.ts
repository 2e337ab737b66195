import http from 'node:http';
import net from 'node:net';
import { renamePrefixes, toSoap11 } from './behaviour';
import { profileByToken, PROFILES, SimCamera } from './camera';
import { digestChallenge, NonceBook, verifyAuthorization } from './digest';
import { ClipStore } from './media/clips';
import { OnvifService } from './onvif-service';

const MAX_SOAP_BYTES = 1024 * 1024;

/**
 * One camera's web server on its own port, like a real device: ONVIF SOAP on /onvif/*, a JPEG
 * snapshot on /onvif/snapshot.jpg. Offline cameras reset every connection; slow ones delay replies.
 */
export class CameraHttpServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly onvif: OnvifService;
  private readonly snapshotNonces = new NonceBook();

  constructor(
    private readonly cam: SimCamera,
    private readonly clips: ClipStore,
  ) {
    this.onvif = new OnvifService(cam);
  }

  async start(host: string, port: number): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket: net.Socket) => {
      if (!this.cam.online) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A request line the HTTP parser rejects (e.g. the onvif lib POSTing to path "ptz" on a camera
    // without PTZ) gets a plain 400 like a camera's web server, not a silent reset.
    server.on('clientError', (_e, socket) => {
      if (socket.writable && this.cam.online)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as net.AddressInfo).port;
  }

  /** Going offline cuts every open connection, including held PullMessages. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.cam.online) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://camera');
    try {
      if (req.method === 'GET' && url.pathname === '/onvif/snapshot.jpg')
        return await this.snapshot(req, res, url);
      if (req.method !== 'POST' || !url.pathname.startsWith('/onvif/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413).end();
        return;
      }
      const hangup = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) hangup.abort();
      });
      const reply = await this.onvif.handle(url.pathname, body, req.headers.authorization, {
        signal: hangup.signal,
      });
      if (this.cam.slowMs > 0) await new Promise((r) => setTimeout(r, this.cam.slowMs));
      if (hangup.signal.aborted || !this.cam.online) {
        if (!this.cam.online) req.socket.destroy();
        return;
      }
      const b = this.cam.behaviour;
      let xml = reply.body;
      if (b.soap === '1.1') xml = toSoap11(xml);
      if (b.prefixes === 'vendor') xml = renamePrefixes(xml);
      res.writeHead(b.soap === '1.1' && reply.status === 400 ? 500 : reply.status, {
        // SOAP 1.1 is text/xml, and every 1.1 fault is a 500.
        'Content-Type': b.soap === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8',
        Server: 'Xueliang-Sim/1.0',
        ...reply.headers,
      });
      res.end(xml);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end((e as Error).message);
    }
  }

  private async snapshot(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const verdict = verifyAuthorization(
      req.headers.authorization,
      {
        method: 'GET',
        username: this.cam.username,
        password: this.cam.password,
        isKnownNonce: (n) => this.snapshotNonces.has(n),
      },
      true,
    );
    if (verdict !== 'ok') {
      res
        .writeHead(401, { 'WWW-Authenticate': digestChallenge(this.snapshotNonces.issue(), undefined, true) })
        .end();
      return;
    }
    const profile = profileByToken(url.searchParams.get('profile') ?? undefined) ?? PROFILES.main;
    const jpeg = await this.clips.snapshot(this.cam.identity.label, this.cam.identity.codec, profile, () =>
      this.cam.osdText(),
    );
    res.writeHead(200, {
      'Content-Type': 'image/jpeg',
      'Content-Length': jpeg.length,
      'Cache-Control': 'no-cache',
    });
    res.end(jpeg);
  }
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_SOAP_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
