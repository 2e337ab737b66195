import { resolve } from 'node:path';
import { loadConfig } from '@xueliang/platform';
import { StackSecrets } from './launch';

export interface StackEnvInput {
  databaseUrl: string;
  redisUrl: string;
  ffmpegPath: string;
  secrets: Pick<StackSecrets, 'JWT_SECRET' | 'CREDENTIAL_KEY' | 'EVIDENCE_SIGNING_KEY'>;
  repoRoot: string;
  /** The stack's state directory (var/ by default): recordings and exports go under it. */
  varDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The demo records: continuous sub stream on every camera (docs/RECORDING.md), with the
 * footage under the stack's state directory. Each can be overridden from the environment.
 */
function demoRecording(base: NodeJS.ProcessEnv, varDir: string): Record<string, string> {
  return {
    RECORDING_DEFAULT_MODE: base.RECORDING_DEFAULT_MODE ?? 'continuous',
    RECORDING_DEFAULT_STREAM: base.RECORDING_DEFAULT_STREAM ?? 'sub',
    RECORDINGS_DIR: base.RECORDINGS_DIR ?? resolve(varDir, 'recordings'),
    EXPORTS_DIR: base.EXPORTS_DIR ?? resolve(varDir, 'exports'),
  };
}

/**
 * The environment every child gets: the launcher's own plus every setting of loadConfig()
 * written out explicitly, so a child never falls back to a default that points elsewhere
 * (the config's default DATABASE_URL is a system PostgreSQL on 5432, which we must not use).
 */
export function stackEnv(input: StackEnvInput): NodeJS.ProcessEnv {
  const base = input.env ?? process.env;
  const config = loadConfig({
    ...base,
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    FFMPEG_PATH: input.ffmpegPath,
    JWT_SECRET: input.secrets.JWT_SECRET,
    CREDENTIAL_KEY: input.secrets.CREDENTIAL_KEY,
    EVIDENCE_SIGNING_KEY: input.secrets.EVIDENCE_SIGNING_KEY,
  });
  const explicit: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) explicit[key] = String(value);
  explicit.CONSOLE_DIST = resolve(input.repoRoot, config.CONSOLE_DIST);
  const varDir = input.varDir ?? resolve(input.repoRoot, 'var');
  return { ...base, ...demoRecording(base, varDir), ...explicit };
}
