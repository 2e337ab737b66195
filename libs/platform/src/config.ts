import { z } from 'zod';
import { summariseIssues } from '@xueliang/contracts';

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
  JWT_SECRET: z
    .string()
    .min(16, 'JWT_SECRET needs at least 16 characters')
    .default('dev-only-jwt-secret-change-me'),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  TIMEZONE: z.string().default('Asia/Shanghai'),
  MAP_TILE_URL: z.string().default(''),
  /** When set, /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; when empty, it answers loopback only. */
  METRICS_TOKEN: z.string().default(''),
  /** Refused cross-region requests by one user within the window that raise a 'system' alert. */
  SCOPE_PROBE_ALERT_THRESHOLD: z.coerce.number().int().positive().default(10),
  SCOPE_PROBE_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
});
export type AppConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${summariseIssues(parsed.error)}`);
  return parsed.data;
}
