import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Where the one-command stack keeps its state (postgres data, redis AOF, secrets): XL_VAR_DIR or ./var. */
export function resolveVarDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env.XL_VAR_DIR || 'var');
}

export function ensureDir(dir: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true, mode });
  return dir;
}

/** Finds an executable on a PATH string, like `command -v`; undefined when absent. */
export type ExecutableLookup = (command: string) => string | undefined;

export function whichOnPath(pathValue: string | undefined = process.env.PATH): ExecutableLookup {
  return (command) => {
    if (command.includes('/')) return isExecutable(command) ? resolve(command) : undefined;
    for (const dir of (pathValue ?? '').split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, command);
      if (isExecutable(candidate)) return candidate;
    }
    return undefined;
  };
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The repository root as seen from compiled or source code: the nearest folder with node_modules. */
export function findUp(start: string, relative: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) return undefined;
    dir = parent;
  }
}
