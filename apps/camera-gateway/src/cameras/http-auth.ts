import { createHash, randomBytes } from 'node:crypto';

/**
 * HTTP authentication for camera snapshots, as pure functions: which challenge to answer and the
 * Authorization value that answers it. Digest (RFC 7616: MD5 or SHA-256, qop=auth or none) is
 * preferred; Basic only when it is all the camera offers. Hand-written rather than a package:
 * digest-header (the maintained one) splits user:pass at the first colon, so passwords with a
 * colon fail, and always answers the first qop even when that is auth-int; the others pull in
 * whole HTTP clients.
 */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** Commas outside quotes split a header into items. */
function splitItems(header: string): string[] {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (c === '\\' && quoted && i + 1 < header.length) {
      cur += c + header[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      items.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  items.push(cur);
  return items.map((s) => s.trim()).filter(Boolean);
}

const PARAM = /^([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))$/;
const unquote = (s: string): string => s.replace(/\\(.)/g, '$1');

/**
 * Every challenge of a WWW-Authenticate value. Several challenges may share one header (fetch
 * joins repeated headers with ", "): an item that starts with a bare token opens a new one.
 */
export function parseChallenges(header: string | null | undefined): AuthChallenge[] {
  if (!header) return [];
  const out: AuthChallenge[] = [];
  for (const item of splitItems(header)) {
    const opening = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+(.*))?$/.exec(item);
    const asParam = PARAM.exec(item);
    if (opening && !asParam) {
      const current: AuthChallenge = { scheme: opening[1].toLowerCase(), params: {} };
      out.push(current);
      const rest = opening[2] ? PARAM.exec(opening[2].trim()) : null;
      if (rest) current.params[rest[1].toLowerCase()] = unquote(rest[2] ?? rest[3] ?? '');
      continue;
    }
    const current = out[out.length - 1];
    if (current && asParam)
      current.params[asParam[1].toLowerCase()] = unquote(asParam[2] ?? asParam[3] ?? '');
  }
  return out;
}

type DigestAlgorithm = 'MD5' | 'SHA-256';

function digestAlgorithm(c: AuthChallenge): DigestAlgorithm | undefined {
  const a = (c.params.algorithm ?? 'MD5').toUpperCase();
  return a === 'MD5' || a === 'SHA-256' ? a : undefined;
}

function qopOf(c: AuthChallenge): 'auth' | null | undefined {
  if (c.params.qop === undefined) return null;
  // Only qop=auth is answered; a challenge offering auth-int alone is not.
  return c.params.qop
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes('auth')
    ? 'auth'
    : undefined;
}

export type ChosenAuth = { scheme: 'digest'; challenge: AuthChallenge } | { scheme: 'basic' };

/** Digest where offered (SHA-256 before MD5), Basic only if that is all there is, else nothing. */
export function chooseAuth(challenges: AuthChallenge[]): ChosenAuth | undefined {
  const digests = challenges.filter(
    (c) =>
      c.scheme === 'digest' && c.params.nonce !== undefined && digestAlgorithm(c) && qopOf(c) !== undefined,
  );
  const best = digests.find((c) => digestAlgorithm(c) === 'SHA-256') ?? digests[0];
  if (best) return { scheme: 'digest', challenge: best };
  // A Digest we cannot answer (auth-int only, another algorithm) is no reason to fall to Basic.
  if (challenges.some((c) => c.scheme === 'digest')) return undefined;
  return challenges.some((c) => c.scheme === 'basic') ? { scheme: 'basic' } : undefined;
}

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The Authorization value answering a Digest challenge for one request. */
export function digestAuthorization(
  challenge: AuthChallenge,
  req: { method: string; uri: string; username: string; password: string },
  cnonce = randomBytes(8).toString('hex'),
  /** Requests answered with this nonce so far, this one included (RFC 7616 nc). */
  count = 1,
): string {
  const algorithm = digestAlgorithm(challenge) ?? 'MD5';
  const h = (s: string): string =>
    createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5')
      .update(s, 'utf8')
      .digest('hex');
  const realm = challenge.params.realm ?? '';
  const nonce = challenge.params.nonce ?? '';
  const qop = qopOf(challenge);
  const ha1 = h(`${req.username}:${realm}:${req.password}`);
  const ha2 = h(`${req.method}:${req.uri}`);
  const nc = count.toString(16).padStart(8, '0');
  const response = qop ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username=${quote(req.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(req.uri)}`,
    `response="${response}"`,
  ];
  if (challenge.params.algorithm) parts.push(`algorithm=${algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (challenge.params.opaque !== undefined) parts.push(`opaque=${quote(challenge.params.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

/**
 * Whether credentials may go to `url`: only to the host the camera was registered at (its ONVIF
 * address), over HTTP(S). A snapshot URI naming any other host gets no credentials at all.
 */
export function mayCarryCredentials(url: string, registeredAddress: string): boolean {
  try {
    const target = new URL(url);
    const home = new URL(registeredAddress);
    return (
      (target.protocol === 'http:' || target.protocol === 'https:') &&
      target.hostname.toLowerCase() === home.hostname.toLowerCase()
    );
  } catch {
    return false;
  }
}
