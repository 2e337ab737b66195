/** manifest.json is the manifest; every other file is a clip it names. */
export function splitVerifyFiles<F extends { name: string }>(
  files: readonly F[],
): { manifest: F | null; clips: F[] } {
  const manifest = files.find((f) => f.name.toLowerCase().endsWith('.json')) ?? null;
  return { manifest, clips: files.filter((f) => f !== manifest) };
}
