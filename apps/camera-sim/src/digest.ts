import { createHash, randomBytes } from 'node:crypto';

/** RFC 2617 Digest as IP cameras implement it for RTSP and HTTP (MD5, optional qop=auth). */
const DIGEST_REALM = 'IP Camera(Xueliang-Sim)';

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function digestChallenge(nonce: string, realm = DIGEST_REALM, qop = false): string {
  return `Digest realm="${realm}", nonce="${nonce}", algorithm="MD5"${qop ? ', qop="auth"' : ''}, stale="FALSE"`;
}

export function parseAuthParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header))) out[m[1].toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

export interface DigestCheck {
  method: string;
  username: string;
  password: string;
  realm?: string;
  /** Nonces this server issued and still honours. */
  isKnownNonce: (nonce: string) => boolean;
}

export function digestResponse(p: {
  username: string;
  password: string;
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop
    ? md5(`${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`)
    : md5(`${ha1}:${p.nonce}:${ha2}`);
}

export type AuthVerdict = 'ok' | 'missing' | 'bad';

/** Checks an Authorization header: Digest always, Basic only when allowBasic (snapshots). */
export function verifyAuthorization(
  header: string | undefined,
  check: DigestCheck,
  allowBasic = false,
): AuthVerdict {
  if (!header) return 'missing';
  if (allowBasic && /^Basic\s/i.test(header)) {
    const [u, ...rest] = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':');
    return u === check.username && rest.join(':') === check.password ? 'ok' : 'bad';
  }
  if (!/^Digest\s/i.test(header)) return 'bad';
  const p = parseAuthParams(header.slice(7));
  const realm = check.realm ?? DIGEST_REALM;
  if (p.username !== check.username || p.realm !== realm || !p.nonce || !p.uri || !p.response) return 'bad';
  if (!check.isKnownNonce(p.nonce)) return 'bad';
  const expected = digestResponse({
    username: check.username,
    password: check.password,
    realm,
    method: check.method,
    uri: p.uri,
    nonce: p.nonce,
    qop: p.qop,
    nc: p.nc,
    cnonce: p.cnonce,
  });
  return expected === p.response.toLowerCase() ? 'ok' : 'bad';
}

/** Issued nonces, forgotten after ttlMs so a captured header cannot be replayed forever. */
export class NonceBook {
  private readonly issued = new Map<string, number>();
  constructor(private readonly ttlMs = 10 * 60_000) {}

  issue(): string {
    this.sweep();
    const n = newNonce();
    this.issued.set(n, Date.now());
    return n;
  }

  has(nonce: string): boolean {
    const at = this.issued.get(nonce);
    return at !== undefined && Date.now() - at < this.ttlMs;
  }

  private sweep(): void {
    if (this.issued.size < 256) return;
    const cutoff = Date.now() - this.ttlMs;
    for (const [n, at] of this.issued) if (at < cutoff) this.issued.delete(n);
  }
}
