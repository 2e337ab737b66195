import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded video: per-camera policies, the segment index with its hash chain, recorded gaps,
 * evidence locks and exports (DESIGN.md "Data flow of recorded video"). Segments carry no
 * foreign key to cameras on purpose: footage, locked footage above all, outlives a deleted
 * camera until retention removes it.
 */
export class Recordings1764800000000 implements MigrationInterface {
  name = 'Recordings1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "recording_policies" ("camera_id" uuid NOT NULL, "mode" character varying(16) NOT NULL, "stream" character varying(8) NOT NULL, "pre_event_seconds" integer NOT NULL, "post_event_seconds" integer NOT NULL, "retention_days" integer NOT NULL, "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_recording_policies" PRIMARY KEY ("camera_id"), CONSTRAINT "FK_recording_policies_camera" FOREIGN KEY ("camera_id") REFERENCES "cameras"("id") ON DELETE CASCADE, CONSTRAINT "CHK_recording_policies_mode" CHECK ("mode" IN ('off','continuous','events')), CONSTRAINT "CHK_recording_policies_stream" CHECK ("stream" IN ('main','sub')))`,
    );
    await q.query(
      `CREATE TABLE "recording_segments" ("id" BIGSERIAL NOT NULL, "camera_id" uuid NOT NULL, "stream" character varying(8) NOT NULL, "start_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "end_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "bytes" bigint NOT NULL, "sha256" character(64) NOT NULL, "prev_sha256" character(64), "chain_day" date NOT NULL, "path" text NOT NULL, "gateway_id" character varying(64) NOT NULL, "codec" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_recording_segments" PRIMARY KEY ("id"), CONSTRAINT "UQ_recording_segments_path" UNIQUE ("path"), CONSTRAINT "CHK_recording_segments_range" CHECK ("end_at" >= "start_at"))`,
    );
    await q.query(
      `CREATE INDEX "idx_recording_segments_camera_time" ON "recording_segments" ("camera_id", "stream", "start_at")`,
    );
    await q.query(`CREATE INDEX "idx_recording_segments_start" ON "recording_segments" ("start_at")`);
    await q.query(
      `CREATE TABLE "recording_gaps" ("id" BIGSERIAL NOT NULL, "camera_id" uuid NOT NULL, "stream" character varying(8) NOT NULL, "start_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "end_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "reason" character varying(64) NOT NULL, "detail" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_recording_gaps" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_recording_gaps_camera_time" ON "recording_gaps" ("camera_id", "stream", "start_at")`,
    );
    await q.query(
      `CREATE TABLE "evidence_locks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_ids" uuid array NOT NULL, "region_paths" text array NOT NULL DEFAULT '{}', "from_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "to_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "reason" text NOT NULL, "alert_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "released_at" TIMESTAMP WITH TIME ZONE, "released_by" uuid, "release_reason" text, CONSTRAINT "PK_evidence_locks" PRIMARY KEY ("id"), CONSTRAINT "CHK_evidence_locks_range" CHECK ("to_at" > "from_at"))`,
    );
    await q.query(`CREATE INDEX "idx_evidence_locks_cameras" ON "evidence_locks" USING GIN ("camera_ids")`);
    await q.query(
      `CREATE TABLE "recording_exports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "status" character varying(16) NOT NULL DEFAULT 'queued', "progress" real NOT NULL DEFAULT 0, "items" jsonb NOT NULL, "region_paths" text array NOT NULL DEFAULT '{}', "reason" text NOT NULL, "alert_id" uuid, "requested_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "dir" text, "files" jsonb NOT NULL DEFAULT '[]', "manifest" jsonb, "error" text, "gateway_id" character varying(64), "deleted_at" TIMESTAMP WITH TIME ZONE, "deleted_by" uuid, CONSTRAINT "PK_recording_exports" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_recording_exports_status" ON "recording_exports" ("status")`);
    await q.query(
      `CREATE INDEX "idx_recording_exports_requested_by" ON "recording_exports" ("requested_by")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "recording_exports"');
    await q.query('DROP TABLE IF EXISTS "evidence_locks"');
    await q.query('DROP TABLE IF EXISTS "recording_gaps"');
    await q.query('DROP TABLE IF EXISTS "recording_segments"');
    await q.query('DROP TABLE IF EXISTS "recording_policies"');
  }
}
