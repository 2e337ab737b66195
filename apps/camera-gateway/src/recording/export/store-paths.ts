import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves a path stored in the index (relative to its root) and refuses anything that would
 * leave the root: an absolute path, '..', a symlink-free escape. Nothing a client sends is ever
 * a path; this guards against a tampered index row as well.
 */
export function insideRoot(root: string, stored: string): string | null {
  if (!stored || isAbsolute(stored) || stored.includes('\0')) return null;
  const base = resolve(root);
  const full = resolve(base, stored);
  const rel = relative(base, full);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return full;
}

/** Names of export files: what the worker writes and the only names the file route serves. */
export const EXPORT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isExportFileName(name: string): boolean {
  return EXPORT_FILE_NAME.test(name) && !name.includes('..');
}
