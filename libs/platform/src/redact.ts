/**
 * Camera credentials out of anything that is logged, returned or measured. Pure string work (no
 * Node imports), so every process, and a browser if it ever needs it, redacts the same way.
 *
 * What it catches without being told a secret:
 * - userinfo of any URL (`rtsp://admin:pw@host` → `rtsp://admin:***@host`, `https://tok@h` → `https://***@h`);
 * - credential-like query or free-text parameters (`?password=pw&user=a` → `?password=***&user=a`);
 * - JSON fields of the same names (`"password":"pw"` → `"password":"***"`);
 * - Basic and Bearer authorization values.
 * And, given the secrets it knows (a camera's stored password), every occurrence of them, raw or
 * percent-encoded, wherever they stand: a device may echo a password in a form no pattern expects.
 */
const REDACTED = '***';

const SECRET_PARAMS =
  'pass(?:word|wd)?|pwd|pw|secret|token|access_token|api_?key|auth|authorization|credentials?|signature|sig';

// scheme://userinfo@ — greedy up to the last @ before the host, so an unencoded @ in a password goes too.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
const PARAM = new RegExp(`(^|[?&;,\\s])((?:${SECRET_PARAMS})=)[^&\\s#;,"'<>]*`, 'gi');
const JSON_FIELD = new RegExp(`("(?:${SECRET_PARAMS})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi');
// A value has a digit or a base64/JWT sign in it: a challenge's parameters (Basic realm="cam")
// and plain words ("Basic settings") are left alone.
const AUTH_VALUE =
  /\b(Basic|Bearer)\s+(?![A-Za-z0-9+/=._~-]*")(?=[A-Za-z._~-]*[0-9+/=.])[A-Za-z0-9+/=._~-]{6,}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The spellings a secret can take in a URL or a log line. */
function spellings(secret: string): string[] {
  const forms = new Set([secret]);
  try {
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURI(secret));
  } catch {
    // a lone surrogate cannot be percent-encoded: the raw form is all there is
  }
  // Longest first, so a short form never leaves the tail of a longer one behind.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every credential it carries replaced by ***: URL userinfo, password-like
 * parameters and fields, authorization values, and each of `secrets` (empty ones are ignored).
 */
export function redactCredentials(
  text: string,
  secrets: readonly (string | null | undefined)[] = [],
): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of spellings(secret)) out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
  }
  return out
    .replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
      if (userinfo === REDACTED || userinfo.endsWith(`:${REDACTED}`)) return `${scheme}${userinfo}@`;
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    })
    .replace(PARAM, `$1$2${REDACTED}`)
    .replace(JSON_FIELD, `$1${REDACTED}"`)
    .replace(AUTH_VALUE, `$1 ${REDACTED}`);
}

/** The password (decoded) that a URL carries in its userinfo, if any: to redact it in what that URL causes. */
export function secretsInUrl(url: string): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s/?#]*)@/i.exec(url);
  if (!m) return [];
  const userinfo = m[1];
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not valid percent-encoding: the raw form is the secret
  }
  return [...new Set([raw, decoded])].filter(Boolean);
}
