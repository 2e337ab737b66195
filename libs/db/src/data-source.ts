import { DataSource, DataSourceOptions } from 'typeorm';
import { AppRoleOutcome, grantAppRole } from './app-role';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { StatementLogger } from './statement-logger';

export interface DatabaseOptions {
  url: string;
  /** Pool size per process. */
  poolSize?: number;
  logging?: boolean;
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    uuidExtension: 'pgcrypto',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: options.logging ? ['error', 'warn', 'migration'] : ['error'],
    // Statements without their parameters: values (password hashes, names) stay out of logs.
    logger: new StatementLogger(options.logging ? ['error', 'warn', 'migration'] : ['error']),
    extra: { max: options.poolSize ?? 10, application_name: 'xueliang' },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

export interface MigrateOptions {
  /** The apps' connection: its role is granted what the apps need (see grantAppRole). */
  appUrl?: string;
}

/**
 * Connects as the owner (`url`) and brings the schema up to date, then grants the apps' role
 * its privileges when `appUrl` names another role; used by the launcher, tests and `npm run migrate`.
 */
export async function migrateDatabase(
  url: string,
  options: MigrateOptions = {},
): Promise<AppRoleOutcome | undefined> {
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  return options.appUrl ? grantAppRole(url, options.appUrl) : undefined;
}
