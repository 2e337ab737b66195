import 'reflect-metadata';
import { resolve } from 'node:path';
import { migrateDatabase } from '@xueliang/db';
import { loadConfig } from '@xueliang/platform';
import { httpStatus } from './launch';
import { fail, withDatabase } from './one-shot';
import { runDemoSeed } from './seed-hook';

/** `--cameras 5000` or `--cameras=5000`; undefined leaves the count to the seed. */
export function parseCameraCount(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value =
      arg === '--cameras' ? argv[i + 1] : arg.startsWith('--cameras=') ? arg.slice(10) : undefined;
    if (value === undefined) continue;
    const count = Number(value);
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`--cameras needs a whole number, got "${value}"`);
    return count;
  }
  return undefined;
}

const DIST_ROOT = resolve(__dirname, '../../..');

/** `npm run seed -- --cameras 5000`: migrates, then seeds the demo county (idempotent). */
if (require.main === module) {
  withDatabase(async (db, secrets) => {
    const cameras = parseCameraCount(process.argv.slice(2));
    const url = db.migrationUrl;
    await migrateDatabase(url, { appUrl: db.url });
    // The simulator's fleet is registered only when it runs (e.g. alongside npm start).
    const simControlUrl = process.env.SIM_CONTROL_URL || `http://127.0.0.1:${loadConfig().SIM_PORT}`;
    const simUp = (await httpStatus(`${simControlUrl}/cameras`)) !== undefined;
    if (!simUp) console.log(`no camera simulator on ${simControlUrl}: seeding without its cameras`);
    const started = Date.now();
    const outcome = await runDemoSeed(DIST_ROOT, {
      databaseUrl: url,
      simControlUrl: simUp ? simControlUrl : undefined,
      log: (message) => console.log(message),
      credentialKey: secrets.CREDENTIAL_KEY,
      ...(cameras !== undefined ? { cameras } : {}),
    });
    if (outcome === 'missing') throw new Error('the seed is not built: dist/libs/db/src/seed is missing');
    console.log(`seeded in ${Date.now() - started} ms`);
  })
    .then(() => process.exit(0))
    .catch(fail);
}
