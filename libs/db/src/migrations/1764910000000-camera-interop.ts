import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interoperability with real cameras: whether the addresses a camera reports (services,
 * snapshot, RTSP) are used as they are or moved to the registered host and port (cameras behind
 * NAT report internal ones), and the sub stream's own codec, read from the stream (the main
 * stream's stays in video_codec). Columns on an existing table: the app role's grants cover them.
 */
export class CameraInterop1764910000000 implements MigrationInterface {
  name = 'CameraInterop1764910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "cameras" ADD "trust_device_addresses" boolean NOT NULL DEFAULT false, ADD "sub_video_codec" character varying(16)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "cameras" DROP COLUMN "sub_video_codec", DROP COLUMN "trust_device_addresses"`,
    );
  }
}
