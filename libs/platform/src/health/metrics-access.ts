import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What GET /metrics answers a caller: the metrics, 401 (token wanted), or 403 (not from this machine). */
export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

export interface MetricsCaller {
  /** The TCP peer (socket.remoteAddress), never a forwarded address. */
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A request relayed by a proxy on this machine comes from loopback but speaks for someone else. */
function isProxied(headers: IncomingHttpHeaders): boolean {
  return (
    headers['x-forwarded-for'] !== undefined ||
    headers['forwarded'] !== undefined ||
    headers['x-real-ip'] !== undefined
  );
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Who may read /metrics (process internals, queue depths, camera counts): with METRICS_TOKEN
 * set, whoever sends `Authorization: Bearer <token>`; without it, only direct connections from
 * this machine, so a Prometheus elsewhere needs the token. Compared in constant time.
 */
export function metricsAccess(caller: MetricsCaller, token: string | undefined): MetricsAccess {
  if (token) {
    const header = caller.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match && timingSafeEqual(digest(match[1].trim()), digest(token)) ? 'allowed' : 'unauthorized';
  }
  return isLoopbackAddress(caller.remoteAddress) && !isProxied(caller.headers) ? 'allowed' : 'forbidden';
}

/** The status and body a refused /metrics request gets (JSON, like every other refusal). */
export function metricsRefusal(access: Exclude<MetricsAccess, 'allowed'>): {
  status: number;
  headers: Record<string, string>;
  message: string;
} {
  return access === 'unauthorized'
    ? {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        message: 'metrics need Authorization: Bearer <METRICS_TOKEN>',
      }
    : {
        status: 403,
        headers: {},
        message: 'metrics are served only to this machine unless METRICS_TOKEN is set',
      };
}
