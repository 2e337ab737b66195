import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/**
 * Compiles just the named apps (and the libs) into dist/ for suites that run them as real
 * processes: only what the suite runs, since other apps may be mid-edit in a shared tree.
 */
export function buildApps(...apps: string[]): void {
  const build = spawnSync(
    'npx',
    [
      'swc',
      ...apps.map((app) => `apps/${app}`),
      'libs',
      '-d',
      'dist',
      '--config-file',
      '.swcrc',
      '--ignore',
      '**/*.spec.ts',
      '--copy-files',
      '--quiet',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
}
