import { join } from 'node:path';
import { LineSink, stdoutSink } from './log-stream';
import { APP_ROLE, DATABASE_NAME, DatabaseRolePasswords, EmbeddedPostgres, OWNER_ROLE } from './postgres';

export interface DatabaseHandle {
  /** What the apps connect with: the app role, which cannot change the audit log. */
  url: string;
  /** What migrations and the seed connect with: the owner (MIGRATION_DATABASE_URL, else DATABASE_URL). */
  migrationUrl: string;
  /** 'env': DATABASE_URL given; 'embedded': started here; 'adopted': an embedded server already running on var/postgres. */
  source: 'env' | 'embedded' | 'adopted';
  stop(): Promise<void>;
  kill(): void;
  /** Embedded and started here only: resolves when the server exits (see ServiceWatchdog). */
  exited?(): Promise<string>;
  /** Embedded and started here only: starts it again on the same port. */
  restart?(): Promise<void>;
  readonly pid?: number;
}

export interface ResolveDatabaseOptions {
  env?: NodeJS.ProcessEnv;
  varDir: string;
  /** Superuser password of the embedded cluster (from var/secrets.json). */
  password: string;
  /** Passwords of the embedded cluster's owner and app roles (from var/secrets.json). */
  rolePasswords: DatabaseRolePasswords;
  sink?: LineSink;
  colour?: boolean;
  /**
   * Whether stop() also stops a server we found already running. The launcher says yes (it was
   * left by a launcher that was killed); `npm run migrate` / `seed` say no (the stack is up).
   */
  stopAdopted?: boolean;
}

function postgresDataDir(varDir: string): string {
  return join(varDir, 'postgres');
}

/**
 * DATABASE_URL when set (and MIGRATION_DATABASE_URL for migrations when set, the owner's
 * connection when the apps use a less privileged role). Otherwise the embedded PostgreSQL in var/postgres: initialised once,
 * started on 54329 (or a free port), with the `xueliang` database created if missing. A
 * PostgreSQL the machine already runs on 5432 is never used implicitly. The embedded cluster
 * has an owner role for migrations and an app role for the apps; the superuser only sets them up.
 */
export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<DatabaseHandle> {
  const env = options.env ?? process.env;
  if (env.DATABASE_URL) {
    return {
      url: env.DATABASE_URL,
      migrationUrl: env.MIGRATION_DATABASE_URL || env.DATABASE_URL,
      source: 'env',
      stop: async () => undefined,
      kill: () => undefined,
    };
  }
  const sink = options.sink ?? stdoutSink;
  const pg = new EmbeddedPostgres({
    dataDir: postgresDataDir(options.varDir),
    password: options.password,
    sink,
    colour: options.colour,
    env,
  });
  const running = pg.isInitialised() ? pg.runningPostmaster() : undefined;
  let source: DatabaseHandle['source'];
  if (running) {
    sink(
      `postgres   | using the embedded server already running on port ${running.port} (pid ${running.pid})`,
    );
    pg.adopt(running);
    source = 'adopted';
  } else {
    await pg.initialise();
    await pg.start();
    source = 'embedded';
  }
  try {
    await pg.ensureDatabase(DATABASE_NAME);
    await pg.ensureRoles(options.rolePasswords, DATABASE_NAME);
  } catch (error) {
    if (source === 'embedded') await pg.stop();
    throw error;
  }
  const ownsServer = source === 'embedded' || options.stopAdopted === true;
  const handle: DatabaseHandle = {
    url: pg.url(DATABASE_NAME, { name: APP_ROLE, password: options.rolePasswords.app }),
    migrationUrl: pg.url(DATABASE_NAME, { name: OWNER_ROLE, password: options.rolePasswords.owner }),
    source,
    stop: () => (ownsServer ? pg.stop() : Promise.resolve()),
    kill: () => (ownsServer ? pg.kill() : undefined),
  };
  // Only a server we spawned tells us when it dies; an adopted one is not our child.
  if (source !== 'embedded') return handle;
  return {
    ...handle,
    get pid() {
      return pg.serverPid;
    },
    exited: () => pg.exited(),
    restart: () => pg.restart(),
  };
}
