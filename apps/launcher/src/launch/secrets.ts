import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './paths';

/** Secrets the stack needs; generated once into var/secrets.json and reused, never committed. */
export interface StackSecrets {
  JWT_SECRET: string;
  CREDENTIAL_KEY: string;
  /** Ed25519 private key (PKCS8 DER, base64) that signs evidence exports. */
  EVIDENCE_SIGNING_KEY: string;
  /** Password of the `postgres` superuser of the embedded cluster (unused with DATABASE_URL). */
  POSTGRES_PASSWORD: string;
  /** Embedded cluster: the owner role that runs migrations and the seed (unused with DATABASE_URL). */
  POSTGRES_OWNER_PASSWORD: string;
  /** Embedded cluster: the role the apps connect as; it cannot change the audit log. */
  POSTGRES_APP_PASSWORD: string;
  /** `requirepass` of the private redis-server (unused with REDIS_URL). */
  REDIS_PASSWORD: string;
  /** API key the simulated road checkpoints use to post vehicle passes to the api (demo only). */
  CHECKPOINT_FEED_KEY: string;
}

const GENERATORS: Record<keyof StackSecrets, () => string> = {
  JWT_SECRET: () => randomBytes(32).toString('hex'),
  CREDENTIAL_KEY: () => randomBytes(32).toString('hex'),
  EVIDENCE_SIGNING_KEY: () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  POSTGRES_PASSWORD: () => randomBytes(18).toString('base64url'),
  POSTGRES_OWNER_PASSWORD: () => randomBytes(18).toString('base64url'),
  POSTGRES_APP_PASSWORD: () => randomBytes(18).toString('base64url'),
  REDIS_PASSWORD: () => randomBytes(24).toString('base64url'),
  // Same shape as the integration keys an admin creates (libs/db newIntegrationKey).
  CHECKPOINT_FEED_KEY: () => `xl_${randomBytes(24).toString('base64url')}`,
};

export function secretsFile(varDir: string): string {
  return join(varDir, 'secrets.json');
}

/**
 * Values from the environment win (production sets them); anything missing comes from
 * var/secrets.json, and anything missing there is generated and written back (mode 0600).
 * Environment values are not written to the file, so the file never holds a deploy's secrets.
 */
export function loadOrCreateSecrets(varDir: string, env: NodeJS.ProcessEnv = process.env): StackSecrets {
  ensureDir(varDir);
  const file = secretsFile(varDir);
  let stored: Partial<StackSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`, {
        cause: error,
      });
    }
  }
  let changed = false;
  for (const key of Object.keys(GENERATORS) as (keyof StackSecrets)[]) {
    if (typeof stored[key] !== 'string' || !stored[key]) {
      stored[key] = GENERATORS[key]();
      changed = true;
    }
  }
  if (changed) {
    // Write then rename, so a crash never leaves a half-written file that locks us out of the database.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  }
  chmodSync(file, 0o600);
  const complete = stored as StackSecrets;
  return {
    JWT_SECRET: env.JWT_SECRET || complete.JWT_SECRET,
    CREDENTIAL_KEY: env.CREDENTIAL_KEY || complete.CREDENTIAL_KEY,
    EVIDENCE_SIGNING_KEY: env.EVIDENCE_SIGNING_KEY || complete.EVIDENCE_SIGNING_KEY,
    POSTGRES_PASSWORD: complete.POSTGRES_PASSWORD,
    POSTGRES_OWNER_PASSWORD: complete.POSTGRES_OWNER_PASSWORD,
    POSTGRES_APP_PASSWORD: complete.POSTGRES_APP_PASSWORD,
    REDIS_PASSWORD: complete.REDIS_PASSWORD,
    CHECKPOINT_FEED_KEY: env.CHECKPOINT_FEED_KEY || complete.CHECKPOINT_FEED_KEY,
  };
}
