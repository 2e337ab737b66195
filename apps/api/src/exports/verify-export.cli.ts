import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { SignedManifestSchema, type ExportVerification } from '@xueliang/contracts';
import { exportIntact, loadPublicKey, verifyExport } from '@xueliang/platform';

/**
 * `npm run verify-export -- <export dir | manifest.json> [--public-key key.pem] [--json]`
 *
 * Checks an exported clip set offline: the manifest's Ed25519 signature, that it was made with
 * the given public key (GET /api/exports/public-key) when one is given, and every listed file's
 * hash, naming the altered byte ranges. Exit 0: intact; 1: altered, missing or not signed as
 * required; 2: usage (bad arguments, no manifest).
 */
export const USAGE = 'usage: verify-export <export dir | manifest.json> [--public-key key.pem] [--json]';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export async function runVerifyExport(argv: string[], io: CliIo): Promise<number> {
  let target: string | undefined;
  let keyFile: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--public-key') {
      keyFile = argv[++i];
      if (!keyFile) return usage(io, '--public-key needs a file');
    } else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') return usage(io);
    else if (a.startsWith('-')) return usage(io, `unknown option ${a}`);
    else if (target) return usage(io, 'one export at a time');
    else target = a;
  }
  if (!target) return usage(io, 'no export given');
  if (!existsSync(target)) return usage(io, `${target} does not exist`);
  const manifestPath = statSync(target).isDirectory() ? join(target, 'manifest.json') : target;
  if (!existsSync(manifestPath)) return usage(io, `no manifest.json in ${target}`);
  let trusted: KeyObject | null = null;
  if (keyFile) {
    try {
      trusted = loadPublicKey(readFileSync(keyFile, 'utf8'));
    } catch {
      return usage(io, `${keyFile} is not an Ed25519 public key (PEM)`);
    }
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return usage(io, `${manifestPath} is not JSON`);
  }
  const dir = dirname(manifestPath);
  const files = new Map<string, string>();
  const parsed = SignedManifestSchema.safeParse(manifest);
  if (parsed.success) {
    for (const f of parsed.data.manifest.files) {
      // Names from the manifest are only looked up inside its directory.
      if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(f.name) && existsSync(join(dir, f.name))) {
        files.set(f.name, join(dir, f.name));
      }
    }
  }
  const result = await verifyExport(manifest, files, trusted);
  const ok = exportIntact(result, trusted !== null);
  if (json) io.out(JSON.stringify({ intact: ok, ...result }, null, 2));
  else report(io, result, parsed.success ? parsed.data.manifest.platform.keyId : null, trusted !== null, ok);
  return ok ? 0 : 1;
}

function report(
  io: CliIo,
  v: ExportVerification,
  keyId: string | null,
  keyChecked: boolean,
  ok: boolean,
): void {
  io.out(`signature: ${v.signatureValid ? 'valid' : `INVALID${v.problem ? ` (${v.problem})` : ''}`}`);
  if (keyChecked) io.out(`signed by the given platform key: ${v.signedByThisPlatform ? 'yes' : 'NO'}`);
  else if (keyId) io.out(`signer key id: ${keyId} (not checked: pass --public-key to check it)`);
  for (const f of v.files) {
    if (f.intact) io.out(`  ok        ${f.name}`);
    else if (f.missing) io.out(`  MISSING   ${f.name}`);
    else {
      const ranges = (f.alteredRanges ?? []).map((r) => `${r.start}-${r.end - 1}`).join(', ');
      io.out(`  ALTERED   ${f.name}: ${f.problem ?? ''}${ranges ? `; bytes ${ranges}` : ''}`);
    }
  }
  io.out(ok ? 'INTACT' : 'NOT INTACT');
}

function usage(io: CliIo, problem?: string): number {
  if (problem) io.err(`verify-export: ${problem}`);
  io.err(USAGE);
  return 2;
}

if (require.main === module) {
  runVerifyExport(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  }).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`verify-export: ${e.message}\n`);
      process.exit(2);
    },
  );
}
