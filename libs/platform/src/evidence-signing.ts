import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  type ExportManifest,
  type ExportVerification,
  type SignedManifest,
  SignedManifestSchema,
} from '@xueliang/contracts';

/**
 * The platform's evidence key (EVIDENCE_SIGNING_KEY, Ed25519) and everything that signs or checks
 * an export's manifest: the gateway signs, the api and the offline CLI verify. Pure node:crypto,
 * no state, so the CLI runs without a database or a network.
 */

/** Size of the blocks each exported file is hashed in: an altered byte is located to 1 MiB. */
export const EXPORT_BLOCK_SIZE = 1024 * 1024;

export interface EvidenceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, as it is written into every manifest and served at GET /api/exports/public-key. */
  publicKeyPem: string;
  /** SHA-256 (hex) of the public key's SPKI DER. */
  keyId: string;
}

/** Parses a PKCS8 private key given as PEM or as base64 of its DER; throws when it is not Ed25519. */
export function loadEvidenceKey(value: string): EvidenceKey {
  const text = value.trim();
  const privateKey = text.startsWith('-----BEGIN')
    ? createPrivateKey({ key: text, format: 'pem' })
    : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`EVIDENCE_SIGNING_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A public key from PEM (what a manifest or GET /api/exports/public-key carries). */
export function loadPublicKey(pem: string): KeyObject {
  const key = createPublicKey({ key: pem.trim(), format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return key;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * The bytes that are signed: JSON with object keys sorted at every level, so a verifier that
 * parsed and re-serialised the manifest (or received it re-indented) signs the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function signManifest(manifest: ExportManifest, key: EvidenceKey): SignedManifest {
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), key.privateKey).toString('base64');
  return { manifest, signature, algorithm: 'Ed25519', publicKey: key.publicKeyPem };
}

export interface FileDigest {
  bytes: number;
  sha256: string;
  blockSha256: string[];
}

/** SHA-256 of a whole file and of each block of it, in one read. */
export async function digestFile(path: string, blockSize = EXPORT_BLOCK_SIZE): Promise<FileDigest> {
  const handle = await open(path, 'r');
  try {
    const whole = createHash('sha256');
    const blocks: string[] = [];
    const buffer = Buffer.allocUnsafe(blockSize);
    let bytes = 0;
    for (;;) {
      // Fill a whole block (a read may return less than asked) so block boundaries are exact.
      let filled = 0;
      while (filled < blockSize) {
        const { bytesRead } = await handle.read(buffer, filled, blockSize - filled, bytes + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled === 0) break;
      const chunk = buffer.subarray(0, filled);
      whole.update(chunk);
      blocks.push(createHash('sha256').update(chunk).digest('hex'));
      bytes += filled;
      if (filled < blockSize) break;
    }
    return { bytes, sha256: whole.digest('hex'), blockSha256: blocks };
  } finally {
    await handle.close();
  }
}

/** SHA-256 of a file, streamed (segments are hashed the way the recorder indexed them). */
export async function sha256File(path: string): Promise<string> {
  return (await digestFile(path)).sha256;
}

export type FileCheck = ExportVerification['files'][number];

/**
 * Compares a file's digest with its manifest entry: intact, or the byte ranges [start, end) of
 * the blocks that differ (merged when adjacent). A file cut short or grown counts its missing or
 * extra blocks as altered.
 */
export function compareFile(
  entry: ExportManifest['files'][number],
  actual: FileDigest,
): Omit<FileCheck, 'name'> {
  if (actual.sha256 === entry.sha256 && actual.bytes === entry.bytes) return { intact: true };
  const ranges: { start: number; end: number }[] = [];
  const blocks = Math.max(entry.blockSha256.length, actual.blockSha256.length);
  const length = Math.max(entry.bytes, actual.bytes);
  for (let i = 0; i < blocks; i += 1) {
    if (entry.blockSha256[i] === actual.blockSha256[i]) continue;
    const start = i * entry.blockSize;
    const end = Math.min(start + entry.blockSize, length);
    const last = ranges[ranges.length - 1];
    if (last && last.end === start) last.end = end;
    else ranges.push({ start, end });
  }
  const problem =
    actual.bytes !== entry.bytes
      ? `size is ${actual.bytes} bytes, the manifest says ${entry.bytes}`
      : ranges.length
        ? 'content differs from the signed manifest'
        : 'whole-file hash differs from the signed manifest';
  return { intact: false, alteredRanges: ranges, problem };
}

export interface ManifestCheck {
  /** Parsed when the input was a signed manifest at all; null otherwise. */
  signed: SignedManifest | null;
  signatureValid: boolean;
  signedByThisPlatform: boolean;
  problem?: string;
}

/**
 * Checks a manifest's signature with the key it carries (and that the key is the one its keyId
 * names), and whether that key is `trusted` (this platform's). Never throws on bad input.
 */
export function checkManifest(input: unknown, trusted: KeyObject | null): ManifestCheck {
  const parsed = SignedManifestSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    return {
      signed: null,
      signatureValid: false,
      signedByThisPlatform: false,
      problem: `not a signed export manifest (${fields})`,
    };
  }
  const signed = parsed.data;
  let key: KeyObject;
  try {
    key = loadPublicKey(signed.publicKey);
  } catch {
    return {
      signed,
      signatureValid: false,
      signedByThisPlatform: false,
      problem: 'the public key is unreadable',
    };
  }
  let valid: boolean;
  try {
    valid =
      keyIdOf(key) === signed.manifest.platform.keyId &&
      verify(null, Buffer.from(canonicalJson(signed.manifest)), key, Buffer.from(signed.signature, 'base64'));
  } catch {
    valid = false;
  }
  const byUs = valid && trusted !== null && keyIdOf(trusted) === keyIdOf(key);
  return {
    signed,
    signatureValid: valid,
    signedByThisPlatform: byUs,
    problem: valid ? undefined : 'the signature does not match the manifest',
  };
}

/**
 * The whole verification of an export: the manifest, then every file it lists that was given
 * (by name → path on disk); a listed file not given is reported missing, a given file the
 * manifest does not list is reported as unknown.
 */
export async function verifyExport(
  manifestInput: unknown,
  files: Map<string, string>,
  trusted: KeyObject | null,
): Promise<ExportVerification> {
  const check = checkManifest(manifestInput, trusted);
  const out: ExportVerification = {
    signatureValid: check.signatureValid,
    signedByThisPlatform: check.signedByThisPlatform,
    files: [],
  };
  if (check.problem) out.problem = check.problem;
  if (!check.signed) return out;
  const listed = new Set<string>();
  for (const entry of check.signed.manifest.files) {
    listed.add(entry.name);
    const path = files.get(entry.name);
    if (!path) {
      out.files.push({ name: entry.name, intact: false, missing: true, problem: 'the file is missing' });
      continue;
    }
    out.files.push({ name: entry.name, ...compareFile(entry, await digestFile(path, entry.blockSize)) });
  }
  for (const name of files.keys()) {
    if (!listed.has(name)) out.files.push({ name, intact: false, problem: 'not listed in the manifest' });
  }
  return out;
}

/** Whether a verification says the whole export is intact (and, when asked, signed by us). */
export function exportIntact(v: ExportVerification, requireThisPlatform: boolean): boolean {
  return (
    v.signatureValid &&
    (!requireThisPlatform || v.signedByThisPlatform) &&
    v.files.length > 0 &&
    v.files.every((f) => f.intact)
  );
}
