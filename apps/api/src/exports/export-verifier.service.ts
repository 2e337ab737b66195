import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ExportVerification } from '@xueliang/contracts';
import type { AuthUser } from '@xueliang/auth';
import { auditAction } from '@xueliang/db';
import { type AppConfig, InjectConfig, loadEvidenceKey, verifyExport } from '@xueliang/platform';

/** Verification of an export someone hands in, against this platform's evidence key. */
@Injectable()
export class ExportVerifier {
  private readonly trusted: KeyObject;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() config: AppConfig,
  ) {
    this.trusted = loadEvidenceKey(config.EVIDENCE_SIGNING_KEY).publicKey;
  }

  verify(manifest: unknown, files: Map<string, string>): Promise<ExportVerification> {
    return verifyExport(manifest, files, this.trusted);
  }

  /** Verifications are audited (DOMAIN.md: evidence handling), with the outcome only. */
  async audit(user: AuthUser, ip: string, manifest: unknown, result: ExportVerification): Promise<void> {
    const exportId =
      typeof manifest === 'object' && manifest !== null
        ? (manifest as { manifest?: { exportId?: unknown } }).manifest?.exportId
        : undefined;
    await this.db.transaction((tx) =>
      auditAction(tx, user, ip, {
        action: 'recording.export.verify',
        targetType: 'recording_export',
        targetId: typeof exportId === 'string' && /^[0-9a-f-]{36}$/i.test(exportId) ? exportId : null,
        regionId: user.regionId,
        detail: {
          signatureValid: result.signatureValid,
          signedByThisPlatform: result.signedByThisPlatform,
          files: result.files.map((f) => ({ name: f.name, intact: f.intact })),
        },
      }),
    );
  }
}
