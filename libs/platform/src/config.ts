import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { summariseIssues } from '@xueliang/contracts';

/** The JWT default that only a development stack may run with (NODE_ENV=production refuses it). */
const DEVELOPMENT_JWT_SECRET = 'dev-only-jwt-secret-change-me';

/**
 * Ed25519 key (PKCS8 DER, base64) that signs evidence exports when nothing else is given: public
 * in this repository, so a development stack's signatures prove nothing and production refuses it.
 * The launcher generates a key of its own into var/secrets.json on first run.
 */
export const DEVELOPMENT_EVIDENCE_SIGNING_KEY =
  'MC4CAQAwBQYDK2VwBCIEIJOatQwhWbxzla2HLGFHFVsLxuBOsbS6y58pf6d2SXPG';

/**
 * Every setting of every process, from the environment, with defaults that make the
 * one-command stack work. The launcher fills in the generated secrets before it starts an app.
 */
const ConfigSchema = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/xueliang'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key (BullMQ queues, socket.io channels, leases); tests use their own. */
  REDIS_PREFIX: z.string().default('xl'),
  JWT_SECRET: z.string().min(16, 'JWT_SECRET needs at least 16 characters').default(DEVELOPMENT_JWT_SECRET),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  /**
   * Ed25519 private key (PKCS8 PEM or base64 of its DER) that signs evidence export manifests
   * (docs/RECORDING.md "Export and proof of integrity"); its public key is GET /api/exports/public-key.
   */
  EVIDENCE_SIGNING_KEY: z
    .string()
    .default(DEVELOPMENT_EVIDENCE_SIGNING_KEY)
    .refine(isEd25519PrivateKey, 'must be an Ed25519 private key (PKCS8 PEM or base64 DER)'),
  /** 32 bytes, hex or base64, for AES-256-GCM of camera passwords. */
  CREDENTIAL_KEY: z.string().default('0000000000000000000000000000000000000000000000000000000000000000'),
  API_PORT: z.coerce.number().int().default(3000),
  ALERT_SERVICE_PORT: z.coerce.number().int().default(3010),
  GATEWAY_PORT: z.coerce.number().int().default(3020),
  GATEWAY_URL: z.string().default('http://127.0.0.1:3020'),
  GATEWAY_ID: z.string().default('gw-1'),
  SIM_PORT: z.coerce.number().int().default(3030),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  CONSOLE_DIST: z.string().default('dist/console'),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  /**
   * Proxies whose X-Forwarded-For the api believes (express `trust proxy`): addresses, CIDRs or
   * proxy-addr's names (loopback, linklocal, uniquelocal), comma-separated. Default none: the
   * client address is the peer's, so nobody can forge the address that is audited and rate-limited.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(
      z.array(
        z.string().refine(isProxyAddress, 'must be an IP address, a CIDR or loopback/linklocal/uniquelocal'),
      ),
    ),
  /**
   * Origins (scheme://host[:port]) whose pages may open a socket.io connection, comma-separated,
   * besides the api's own origin (the console it serves, or a dev proxy in front), always allowed.
   */
  CONSOLE_ORIGINS: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(z.array(z.string().refine(isOrigin, 'must be an origin such as https://console.example.org'))),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TIMEZONE: z.string().default('Asia/Shanghai'),
  MAP_TILE_URL: z.string().default(''),
  /** When set, /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; when empty, it answers loopback only. */
  METRICS_TOKEN: z.string().default(''),
  /** Refused cross-region requests by one user within the window that raise a 'system' alert. */
  SCOPE_PROBE_ALERT_THRESHOLD: z.coerce.number().int().positive().default(10),
  SCOPE_PROBE_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
  // The alert-service's workers. A value out of range falls back to the default rather than
  // stopping the service (as these settings always have).
  /** Jobs each alert-service worker runs at once. */
  ALERT_WORKER_CONCURRENCY: z.coerce.number().int().positive().catch(8),
  /** BullMQ lock of a running job, ms (at least 1000). */
  ALERT_WORKER_LOCK_MS: z.coerce.number().int().min(1000).catch(30_000),
  /** How often the alert-service sweeps for deadlines missed in an outage, seconds (at least 1). */
  SLA_SWEEP_SECONDS: z.coerce.number().min(1).catch(30),
});
export type AppConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${summariseIssues(parsed.error)}`);
  if (parsed.data.NODE_ENV === 'production') assertProductionSecrets(env);
  return parsed.data;
}

/**
 * In production a missing secret must stop the process rather than fall back to a default that
 * is public in this repository (anyone could sign tokens or decrypt camera passwords).
 */
function assertProductionSecrets(env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  if (!env.JWT_SECRET) problems.push('JWT_SECRET is not set');
  else if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) problems.push('JWT_SECRET is the development default');
  if (!env.CREDENTIAL_KEY) problems.push('CREDENTIAL_KEY is not set');
  else if (isAllZeroKey(env.CREDENTIAL_KEY)) problems.push('CREDENTIAL_KEY is all zeros');
  if (!env.EVIDENCE_SIGNING_KEY) problems.push('EVIDENCE_SIGNING_KEY is not set');
  else if (env.EVIDENCE_SIGNING_KEY.trim() === DEVELOPMENT_EVIDENCE_SIGNING_KEY) {
    problems.push('EVIDENCE_SIGNING_KEY is the development default');
  }
  if (problems.length) {
    throw new ConfigError(`invalid configuration for NODE_ENV=production: ${problems.join('; ')}`);
  }
}

function isAllZeroKey(key: string): boolean {
  const bytes = /^[0-9a-f]+$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  return bytes.every((b) => b === 0);
}

function isEd25519PrivateKey(value: string): boolean {
  const text = value.trim();
  try {
    const key = text.startsWith('-----BEGIN')
      ? createPrivateKey({ key: text, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}
