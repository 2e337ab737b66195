import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExportManifest } from '@xueliang/contracts';
import {
  canonicalJson,
  checkManifest,
  compareFile,
  digestFile,
  loadEvidenceKey,
  signManifest,
  verifyExport,
} from './evidence-signing';

const der = (): string =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');

describe('evidence signing', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'xl-evidence-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a key as base64 DER or PEM, with the same key id, and refuses other key types', () => {
    const fromDer = loadEvidenceKey(der());
    const pem = fromDer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(loadEvidenceKey(pem).keyId).toBe(fromDer.keyId);
    expect(fromDer.keyId).toMatch(/^[0-9a-f]{64}$/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => loadEvidenceKey(rsa)).toThrow(/Ed25519/);
  });

  it('signs canonical JSON: key order and indentation do not matter', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  async function fixture(bytes: number): Promise<{ manifest: ExportManifest; file: string }> {
    const file = path.join(dir, `f-${bytes}.mp4`);
    const data = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 1) data[i] = i % 251;
    await writeFile(file, data);
    const d = await digestFile(file, 1024);
    const manifest: ExportManifest = {
      version: 1,
      platform: { name: 'test', keyId: '' },
      exportId: 'e',
      exportedBy: { id: 'u', name: 'u' },
      exportedAt: '2026-12-01T00:00:00.000Z',
      reason: 'r',
      alertId: null,
      files: [
        {
          name: 'f.mp4',
          cameraId: 'c',
          cameraName: 'c',
          stream: 'sub',
          from: 'a',
          to: 'b',
          bytes: d.bytes,
          sha256: d.sha256,
          blockSize: 1024,
          blockSha256: d.blockSha256,
          segments: [],
        },
      ],
    };
    return { manifest, file };
  }

  it('verifies its own signature, refuses an edited manifest and a foreign key', async () => {
    const key = loadEvidenceKey(der());
    const other = loadEvidenceKey(der());
    const { manifest, file } = await fixture(3000);
    manifest.platform.keyId = key.keyId;
    const signed = JSON.parse(JSON.stringify(signManifest(manifest, key))) as ReturnType<typeof signManifest>;
    expect(checkManifest(signed, key.publicKey)).toMatchObject({
      signatureValid: true,
      signedByThisPlatform: true,
    });
    expect(checkManifest(signed, other.publicKey)).toMatchObject({
      signatureValid: true,
      signedByThisPlatform: false,
    });
    const edited = { ...signed, manifest: { ...signed.manifest, reason: 'other' } };
    expect(checkManifest(edited, key.publicKey)).toMatchObject({ signatureValid: false });
    // Re-signed with another key but claiming ours: the key id no longer matches.
    const forged = signManifest({ ...manifest, reason: 'other' }, other);
    expect(checkManifest(forged, key.publicKey).signedByThisPlatform).toBe(false);
    expect(checkManifest({ nope: 1 }, key.publicKey)).toMatchObject({ signatureValid: false, signed: null });
    const v = await verifyExport(signed, new Map([['f.mp4', file]]), key.publicKey);
    expect(v.files).toEqual([{ name: 'f.mp4', intact: true }]);
  });

  it('names the altered blocks, merging neighbours, and counts a short file as altered at its end', async () => {
    const { manifest } = await fixture(3000);
    const entry = manifest.files[0];
    const changed = [...entry.blockSha256];
    changed[0] = 'x';
    changed[1] = 'y';
    expect(compareFile(entry, { bytes: 3000, sha256: 'z', blockSha256: changed }).alteredRanges).toEqual([
      { start: 0, end: 2048 },
    ]);
    const short = compareFile(entry, {
      bytes: 2048,
      sha256: 'z',
      blockSha256: entry.blockSha256.slice(0, 2),
    });
    expect(short).toMatchObject({ intact: false, alteredRanges: [{ start: 2048, end: 3000 }] });
    expect(short.problem).toMatch(/2048 bytes/);
  });
});
