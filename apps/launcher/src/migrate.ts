import 'reflect-metadata';
import { migrateDatabase } from '@xueliang/db';
import { fail, withDatabase } from './one-shot';

/**
 * `npm run migrate`: brings the schema up to date on DATABASE_URL or the embedded database, as
 * the owner (MIGRATION_DATABASE_URL when given), and grants the apps' role (DATABASE_URL's user)
 * its privileges, creating that role when it is missing.
 */
withDatabase(async (db) => {
  const started = Date.now();
  const roles = await migrateDatabase(db.migrationUrl, { appUrl: db.url });
  console.log(
    `migrations applied in ${Date.now() - started} ms` +
      (roles === 'granted' ? `; app role ${new URL(db.url).username} granted` : ''),
  );
})
  .then(() => process.exit(0))
  .catch(fail);
