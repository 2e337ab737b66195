import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A camera's national device code (GB/T 28181 appendix D, 20 digits), entered at registration or
 * in a bulk import so that a later cascade to upper platforms can publish it. Optional, unique
 * when present, and digits only: the check keeps a hand-edited row honest too.
 */
export class CameraNationalCode1764920000001 implements MigrationInterface {
  name = 'CameraNationalCode1764920000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cameras" ADD "national_code" character varying(20)`);
    await q.query(
      `ALTER TABLE "cameras" ADD CONSTRAINT "CHK_cameras_national_code" CHECK ("national_code" ~ '^[0-9]{20}$')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "idx_cameras_national_code" ON "cameras" ("national_code") WHERE "national_code" IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS "idx_cameras_national_code"');
    await q.query('ALTER TABLE "cameras" DROP CONSTRAINT IF EXISTS "CHK_cameras_national_code"');
    await q.query('ALTER TABLE "cameras" DROP COLUMN IF EXISTS "national_code"');
  }
}
