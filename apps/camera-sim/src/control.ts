import http from 'node:http';
import net from 'node:net';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import { CameraBehaviourPatchSchema } from './behaviour';
import { SIM_EVENT_TOPICS } from './events';
import { CameraFleet } from './fleet';

const EventBody = z.object({
  topic: z.enum(SIM_EVENT_TOPICS),
  state: z.boolean().optional(),
});
const SlowBody = z.object({ ms: z.number().int().min(0).max(600_000) });
const UriBody = z.object({ uri: z.url().max(2048).nullable() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * JSON control API of the sim (tests, demo, benchmarks): list cameras, fire events, take cameras
 * offline, cut streams, slow replies, read PTZ and stream clocks.
 */
export class ControlServer {
  private server: http.Server | undefined;
  port = 0;

  constructor(
    private readonly fleet: CameraFleet,
    private readonly extra: { checkpoints?: () => unknown } = {},
  ) {}

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    const metrics = this.metricsRegistry();
    const server = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/metrics') {
        void metrics.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        });
        return;
      }
      this.route(req)
        .then((body) => send(res, 200, body))
        .catch((e: unknown) =>
          send(res, e instanceof HttpError ? e.status : 500, {
            error: e instanceof Error ? e.message : String(e),
          }),
        );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Prometheus view of the fleet, like every other process of the stack. */
  private metricsRegistry(): Registry {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const fleet = this.fleet;
    new Gauge({
      name: 'sim_cameras',
      help: 'simulated cameras by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const online = fleet.list().filter((c) => c.online).length;
        this.set({ state: 'online' }, online);
        this.set({ state: 'offline' }, fleet.cameras.length - online);
      },
    });
    new Gauge({
      name: 'sim_rtsp_connections',
      help: 'open RTSP client connections',
      registers: [registry],
      collect() {
        this.set(fleet.rtspConnections);
      },
    });
    return registry;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  private async route(req: http.IncomingMessage): Promise<unknown> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    // The control API listens only once the fleet is up, so live and ready are the same here.
    if (method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/readyz')) {
      return { ok: true, cameras: this.fleet.cameras.length, rtspConnections: this.fleet.rtspConnections };
    }
    if (method === 'GET' && url.pathname === '/cameras') return this.fleet.list();
    if (method === 'GET' && url.pathname === '/checkpoints' && this.extra.checkpoints)
      return this.extra.checkpoints();
    if (parts[0] !== 'cameras' || !parts[1]) throw new HttpError(404, 'not found');
    const cam = this.fleet.camera(parts[1]);
    if (!cam) throw new HttpError(404, `unknown camera ${parts[1]}`);
    const id = cam.id;
    const action = parts[2];
    if (method === 'GET') {
      if (!action) return cam.info();
      if (action === 'ptz') {
        const ptz = this.fleet.ptz(id);
        if (!ptz) throw new HttpError(404, `${id} has no PTZ`);
        return ptz;
      }
      if (action === 'stream-clock') {
        const kind = url.searchParams.get('stream') === 'sub' ? 'sub' : 'main';
        return (
          (await this.fleet.streamClock(id, kind)) ?? { rtpTimestamp: null, wallClockMs: null, framesSent: 0 }
        );
      }
    }
    if (method === 'POST') {
      const body = await readJson(req);
      switch (action) {
        case 'events': {
          const parsed = EventBody.safeParse(body);
          if (!parsed.success) throw new HttpError(400, parsed.error.message);
          const delivered = this.fleet.fireEvent(id, parsed.data.topic, parsed.data.state ?? true);
          return { ok: true, delivered };
        }
        case 'offline':
          this.fleet.setOffline(id);
          return { ok: true, online: false };
        case 'online':
          this.fleet.setOnline(id);
          return { ok: true, online: true };
        case 'cut-stream':
          return { ok: true, dropped: this.fleet.cutStream(id) };
        case 'snapshot-uri': {
          const parsed = UriBody.safeParse(body);
          if (!parsed.success) throw new HttpError(400, parsed.error.message);
          this.fleet.setSnapshotUri(id, parsed.data.uri);
          return { ok: true, snapshot: cam.snapshotUrl('main') };
        }
        case 'stream-uri': {
          const parsed = UriBody.safeParse(body);
          if (!parsed.success) throw new HttpError(400, parsed.error.message);
          this.fleet.setStreamUri(id, parsed.data.uri);
          return { ok: true, rtsp: cam.rtspUrl('main') };
        }
        case 'behaviour': {
          // Per-camera deviations: SOAP 1.1, HTTP Digest only, NAT addresses, no Renew, …
          const parsed = CameraBehaviourPatchSchema.safeParse(body);
          if (!parsed.success) throw new HttpError(400, parsed.error.message);
          return { ok: true, behaviour: this.fleet.setBehaviour(id, parsed.data) };
        }
        case 'slow': {
          const parsed = SlowBody.safeParse(body);
          if (!parsed.success) throw new HttpError(400, parsed.error.message);
          this.fleet.setSlow(id, parsed.data.ms);
          return { ok: true, slowMs: parsed.data.ms };
        }
      }
    }
    throw new HttpError(404, 'not found');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
