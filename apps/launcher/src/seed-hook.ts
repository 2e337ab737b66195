import { join } from 'node:path';

/** What the launcher and `npm run seed` pass to the seed (libs/db/src/seed). */
export interface SeedOptions {
  databaseUrl: string;
  /** The camera simulator's control API (GET /cameras lists its cameras); omitted when no simulator runs. */
  simControlUrl?: string;
  credentialKey: string;
  /** Registers this key for the simulated checkpoints' pass feed (the launcher's demo only). */
  checkpointFeedKey?: string;
  /** `npm run seed -- --cameras N`: size of the generated fleet. */
  cameras?: number;
  log?: (message: string) => void;
}

type SeedFunction = (options: SeedOptions) => Promise<unknown>;

/**
 * The one place that knows where the seed lives and how it is called. Loaded from the built
 * output at run time because the seed is written separately; when it is absent the stack
 * still starts (empty database) and we say so.
 */
export async function runDemoSeed(distRoot: string, options: SeedOptions): Promise<'seeded' | 'missing'> {
  const modulePath = join(distRoot, 'libs/db/src/seed');
  try {
    require.resolve(modulePath);
  } catch {
    return 'missing';
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(modulePath) as { seedDemoCounty?: SeedFunction };
  const seed = loaded.seedDemoCounty;
  if (typeof seed !== 'function') throw new Error(`${modulePath} does not export seedDemoCounty()`);
  await seed(options);
  return 'seeded';
}
