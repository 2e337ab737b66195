import { resolve } from 'node:path';
import { loadConfig } from '@xueliang/platform';
import { StackSecrets } from './launch';

export interface StackEnvInput {
  databaseUrl: string;
  redisUrl: string;
  ffmpegPath: string;
  secrets: Pick<StackSecrets, 'JWT_SECRET' | 'CREDENTIAL_KEY' | 'EVIDENCE_SIGNING_KEY'>;
  repoRoot: string;
  env?: NodeJS.ProcessEnv;
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
  return { ...base, ...explicit };
}
