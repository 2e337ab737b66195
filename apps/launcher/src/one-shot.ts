import {
  DatabaseHandle,
  ensureDir,
  loadOrCreateSecrets,
  resolveDatabase,
  resolveVarDir,
  StackSecrets,
} from './launch';

export type OneShotSecrets = Pick<StackSecrets, 'CREDENTIAL_KEY'>;

/**
 * For `npm run migrate` and `npm run seed`: DATABASE_URL (with MIGRATION_DATABASE_URL for the
 * owner when set), or the embedded PostgreSQL in var/
 * (started for the command and stopped after it; when the stack is already running on var/,
 * its server is used and left running). With DATABASE_URL (containers) var/ is not touched
 * unless a secret is missing from the environment.
 */
/** The apps' connection and the owner's (migrations, seed); the same URL when one role does both. */
export interface OneShotDatabase {
  url: string;
  migrationUrl: string;
}

export async function withDatabase(
  work: (db: OneShotDatabase, secrets: OneShotSecrets) => Promise<void>,
): Promise<void> {
  const env = process.env;
  const needsVar = !env.DATABASE_URL || !env.CREDENTIAL_KEY;
  const varDir = needsVar ? ensureDir(resolveVarDir()) : '';
  const stored = needsVar ? loadOrCreateSecrets(varDir) : undefined;
  let db: DatabaseHandle | undefined;
  const stop = async () => {
    const handle = db;
    db = undefined;
    await handle?.stop();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    db = await resolveDatabase({
      varDir,
      password: stored?.POSTGRES_PASSWORD ?? '',
      rolePasswords: {
        owner: stored?.POSTGRES_OWNER_PASSWORD ?? '',
        app: stored?.POSTGRES_APP_PASSWORD ?? '',
      },
      stopAdopted: false,
    });
    await work(
      { url: db.url, migrationUrl: db.migrationUrl },
      { CREDENTIAL_KEY: env.CREDENTIAL_KEY || stored!.CREDENTIAL_KEY },
    );
  } finally {
    await stop();
  }
}

export function fail(error: unknown): never {
  console.error((error as Error)?.stack ?? String(error));
  process.exit(1);
}
