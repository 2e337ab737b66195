import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface StatusChecks {
  /** Resolves when every dependency answers; throws naming the one that does not. */
  ready(): Promise<void>;
}

/** GET /healthz (alive), /readyz (database and Redis answer), /metrics (Prometheus). */
export function createStatusServer(checks: StatusChecks, registry: Registry): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, JSON.stringify({ message: 'GET only' }));
    if (path === '/healthz') return send(200, JSON.stringify({ status: 'ok' }));
    if (path === '/readyz') {
      checks.ready().then(
        () => send(200, JSON.stringify({ status: 'ready' })),
        (err: unknown) =>
          send(
            503,
            JSON.stringify({ status: 'not ready', reason: err instanceof Error ? err.message : String(err) }),
          ),
      );
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        () => send(500, 'metrics failed', 'text/plain'),
      );
      return;
    }
    send(404, JSON.stringify({ message: 'not found' }));
  });
}
