import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { metricsAccess, metricsRefusal } from '@xueliang/platform';

export interface StatusChecks {
  /** Resolves when every dependency answers; throws naming the one that does not. */
  ready(): Promise<void>;
}

export interface StatusServerOptions {
  /** METRICS_TOKEN; see metricsAccess. */
  metricsToken?: string;
}

/**
 * GET /healthz (alive), /readyz (database and Redis answer), /metrics (Prometheus; to this
 * machine only, or to holders of METRICS_TOKEN).
 */
export function createStatusServer(
  checks: StatusChecks,
  registry: Registry,
  options: StatusServerOptions = {},
): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json', headers = {}): void => {
      res.writeHead(status, { ...headers, 'content-type': type });
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
      const access = metricsAccess(
        { remoteAddress: req.socket.remoteAddress, headers: req.headers },
        options.metricsToken,
      );
      if (access !== 'allowed') {
        const refusal = metricsRefusal(access);
        return send(refusal.status, JSON.stringify({ message: refusal.message }), undefined, refusal.headers);
      }
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        () => send(500, 'metrics failed', 'text/plain'),
      );
      return;
    }
    send(404, JSON.stringify({ message: 'not found' }));
  });
}
