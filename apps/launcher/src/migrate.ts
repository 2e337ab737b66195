import 'reflect-metadata';
import { migrateDatabase } from '@xueliang/db';
import { fail, withDatabase } from './one-shot';

/** `npm run migrate`: brings the schema up to date on DATABASE_URL or the embedded database. */
withDatabase(async (url) => {
  const started = Date.now();
  await migrateDatabase(url);
  console.log(`migrations applied in ${Date.now() - started} ms`);
})
  .then(() => process.exit(0))
  .catch(fail);
