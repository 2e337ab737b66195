import { DataSource, DataSourceOptions } from 'typeorm';
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

/** Connects and brings the schema up to date; used by the launcher, tests and `npm run migrate`. */
export async function migrateDatabase(url: string): Promise<void> {
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
