import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Playback coverage walks every segment of a camera over up to 31 days (670,000 rows of 4 s
 * segments) in start order, reading only start and end. With end_at in the (camera, stream,
 * start) index that walk is an index-only scan: no heap page is read. Same name, same key columns,
 * so everything that used the index before uses this one.
 */
export class RecordingCoverageIndex1764830000001 implements MigrationInterface {
  name = 'RecordingCoverageIndex1764830000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_recording_segments_camera_time"');
    await q.query(
      `CREATE INDEX "idx_recording_segments_camera_time" ON "recording_segments" ("camera_id", "stream", "start_at") INCLUDE ("end_at")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "idx_recording_segments_camera_time"');
    await q.query(
      `CREATE INDEX "idx_recording_segments_camera_time" ON "recording_segments" ("camera_id", "stream", "start_at")`,
    );
  }
}
