import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export interface SecurityHeaderOptions {
  /** The console's configured tile server (MAP_TILE_URL), an XYZ template; '' when none. */
  mapTileUrl: string;
}

/** Paths whose answers are data for one user, never to be kept by a browser or proxy cache. */
const API_PATH = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/**
 * Security headers for everything the api serves (REST, HLS, the console's files), set by
 * helmet: a Content-Security-Policy that lets the console run (its own scripts, blob: workers
 * and media for hls.js, data: images, the tile server, socket.io to itself) and nothing else,
 * no framing, nosniff, no Referer (HLS URLs carry tokens). API answers are `no-store`; the
 * console's hashed assets keep their cache lifetime. A route may set its own Cache-Control
 * after this (HLS does).
 */
export function securityHeaders(options: SecurityHeaderOptions): RequestHandler[] {
  const tiles = tileSources(options.mapTileUrl);
  const csp = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React and OpenLayers set element styles; scripts are what the policy must hold tight.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        // 'self' covers ws:/wss: to the same host in CSP 3 browsers; listed for older ones.
        connectSrc: ["'self'", ...sameHostSockets(), ...tiles],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The console runs on private networks over plain HTTP as often as behind TLS: upgrading
    // would break the former, and HSTS belongs to whatever terminates TLS.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const noStore = (req: Request, res: Response, next: NextFunction): void => {
    if (API_PATH.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  };
  return [csp, noStore];
}

/** ws:/wss: to the host the page came from; CSP has no keyword for it, so it is written per request. */
function sameHostSockets(): ((req: unknown) => string)[] {
  const host = (req: unknown): string => {
    const value = (req as Request).headers.host ?? '';
    // A Host header is attacker-chosen: only a plain host[:port] may enter the policy.
    return /^[A-Za-z0-9.\-[\]:]+$/.test(value) ? value : '';
  };
  return [
    (req) => (host(req) ? `ws://${host(req)}` : "'self'"),
    (req) => (host(req) ? `wss://${host(req)}` : "'self'"),
  ];
}

/**
 * The CSP source of an XYZ template such as `https://{a-c}.tile.example.org/{z}/{x}/{y}.png`:
 * its scheme, host (a placeholder label becomes `*`) and port. A relative template is the api's
 * own origin and needs nothing; an unparsable one adds nothing.
 */
export function tileSources(template: string): string[] {
  const match = /^(https?):\/\/([^/?#]+)/i.exec(template.trim());
  if (!match) return [];
  const [, scheme, authority] = match;
  const labels = authority.replace(/^[^@]*@/, '').split('.');
  const host = labels.map((l, i) => (i === 0 && l.includes('{') ? '*' : l)).join('.');
  if (host.includes('{') || !/^[A-Za-z0-9.*\-:[\]]+$/.test(host)) return [];
  return [`${scheme.toLowerCase()}://${host}`];
}
