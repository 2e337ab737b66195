import {
  DatabaseHandle,
  ensureDir,
  loadOrCreateSecrets,
  resolveDatabase,
  resolveVarDir,
  StackSecrets,
} from '@xueliang/platform';

/**
 * For `npm run migrate` and `npm run seed`: DATABASE_URL, or the embedded PostgreSQL in var/
 * (started for the command and stopped after it; when the stack is already running on var/,
 * its server is used and left running).
 */
export async function withDatabase(
  work: (url: string, secrets: StackSecrets) => Promise<void>,
): Promise<void> {
  const varDir = ensureDir(resolveVarDir());
  const secrets = loadOrCreateSecrets(varDir);
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
    db = await resolveDatabase({ varDir, password: secrets.POSTGRES_PASSWORD, stopAdopted: false });
    await work(db.url, secrets);
  } finally {
    await stop();
  }
}

export function fail(error: unknown): never {
  console.error((error as Error)?.stack ?? String(error));
  process.exit(1);
}
