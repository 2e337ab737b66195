import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: regions, people, units, cameras, checkpoints, alerts and their trail. */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(32) NOT NULL, "type" character varying(32) NOT NULL, "source" character varying(16) NOT NULL, "priority" character varying(8) NOT NULL, "status" character varying(16) NOT NULL, "title" character varying(200) NOT NULL, "description" text NOT NULL DEFAULT '', "region_id" uuid NOT NULL, "region_path" text NOT NULL, "origin_region_id" uuid NOT NULL, "camera_id" uuid, "checkpoint_id" uuid, "lon" double precision, "lat" double precision, "correlation_key" character varying(200) NOT NULL, "event_count" integer NOT NULL DEFAULT '1', "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deadlines" jsonb NOT NULL DEFAULT '{}', "overdue_stages" text array NOT NULL DEFAULT '{}', "escalation_level" integer NOT NULL DEFAULT '0', "assigned_unit_id" uuid, "assigned_user_id" uuid, "outcome" text, "satisfaction" integer, "dismiss_reason" text, "created_by_id" uuid, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "dispatched_at" TIMESTAMP WITH TIME ZONE, "accepted_at" TIMESTAMP WITH TIME ZONE, "arrived_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_9be66618d0c979dd0ac45504ba" ON "alerts" ("number")`);
    await q.query(`CREATE INDEX "IDX_0c7217e1dcad18d31b6a5b4ac7" ON "alerts" ("checkpoint_id")`);
    await q.query(`CREATE INDEX "IDX_2209d9ff6a5a11ba178c84fc1d" ON "alerts" ("correlation_key")`);
    await q.query(`CREATE INDEX "idx_alerts_camera_created" ON "alerts" ("camera_id", "created_at")`);
    await q.query(`CREATE INDEX "idx_alerts_status_created" ON "alerts" ("status", "created_at")`);
    await q.query(
      `CREATE TABLE "alert_changes" ("seq" BIGSERIAL NOT NULL, "alert_id" uuid NOT NULL, "event" character varying(32) NOT NULL, "region_path" text NOT NULL, "payload" jsonb NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a1c8a9fb5ec72dffa07960963e8" PRIMARY KEY ("seq"))`,
    );
    await q.query(`CREATE INDEX "IDX_956fa3d545f4ebad5fa96faa10" ON "alert_changes" ("alert_id")`);
    await q.query(
      `CREATE TABLE "alert_mutes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "camera_id" uuid, "checkpoint_id" uuid, "alert_type" character varying(32), "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text NOT NULL DEFAULT '', "created_by_id" uuid, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f25d2a3d187bf795aa30c387616" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_846002063c33a9ec8b35478388" ON "alert_mutes" ("checkpoint_id", "ends_at")`,
    );
    await q.query(`CREATE INDEX "IDX_30716d12d6d817e7ede9851932" ON "alert_mutes" ("camera_id", "ends_at")`);
    await q.query(
      `CREATE TABLE "alert_timeline" ("id" BIGSERIAL NOT NULL, "alert_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_name" character varying(64) NOT NULL, "action" character varying(32) NOT NULL, "from_status" character varying(16), "to_status" character varying(16), "note" text, "data" jsonb, CONSTRAINT "PK_36309bdacba787744cece5c606b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_c2e57ca6a8b1744ee66cf3fd67" ON "alert_timeline" ("alert_id", "at")`);
    await q.query(
      `CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_name" character varying(64) NOT NULL, "action" character varying(64) NOT NULL, "target_type" character varying(32) NOT NULL, "target_id" character varying(200), "region_id" uuid, "ip" character varying(64), "detail" jsonb, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at")`);
    await q.query(`CREATE INDEX "IDX_15a6f5aad57db494c17986ed2e" ON "audit_log" ("actor_id")`);
    await q.query(
      `CREATE INDEX "IDX_f0e9a94f10a209afbf22d4e77a" ON "audit_log" ("target_type", "target_id")`,
    );
    await q.query(
      `CREATE TABLE "cameras" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "region_id" uuid NOT NULL, "region_path" text NOT NULL, "lon" double precision NOT NULL, "lat" double precision NOT NULL, "onvif_address" text NOT NULL, "username" character varying(64) NOT NULL DEFAULT '', "password_encrypted" text NOT NULL DEFAULT '', "manufacturer" character varying(64), "model" character varying(64), "serial_number" character varying(64), "firmware" character varying(64), "main_profile_token" character varying(64), "sub_profile_token" character varying(64), "rtsp_uri" text, "sub_rtsp_uri" text, "snapshot_uri" text, "video_codec" character varying(16), "ptz" boolean NOT NULL DEFAULT false, "events" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL DEFAULT 'unknown', "status_reason" text, "last_seen_at" TIMESTAMP WITH TIME ZONE, "status_changed_at" TIMESTAMP WITH TIME ZONE, "checkpoint_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_88b40b9817f9f422121f861e1e8" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_a90e522e64a43881af51bc7471" ON "cameras" ("onvif_address")`);
    await q.query(`CREATE INDEX "IDX_dcf3a964d6fb0f584a80d51efb" ON "cameras" ("status")`);
    await q.query(`CREATE INDEX "IDX_40ea8630818004f5b029a6f1bd" ON "cameras" ("checkpoint_id")`);
    await q.query(`CREATE INDEX "idx_cameras_region_status" ON "cameras" ("region_id", "status")`);
    await q.query(
      `CREATE TABLE "camera_walls" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "name" character varying(64) NOT NULL, "tiles" integer NOT NULL DEFAULT '4', "camera_ids" uuid array NOT NULL DEFAULT '{}', "patrol_seconds" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1d1c4f8e976681bd8ecaada834d" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_141a931f9a291c8a22756f9c73" ON "camera_walls" ("user_id")`);
    await q.query(
      `CREATE TABLE "checkpoints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "name" character varying(100) NOT NULL, "region_id" uuid NOT NULL, "region_path" text NOT NULL, "lon" double precision NOT NULL, "lat" double precision NOT NULL, "road" character varying(100) NOT NULL, "direction" character varying(32) NOT NULL, "lanes" integer NOT NULL DEFAULT '2', "status" character varying(16) NOT NULL DEFAULT 'unknown', "last_seen_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dfcc46a91d96ecba8a8dcd8b11c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_0e5c4a128130a60374264d4891" ON "checkpoints" ("code")`);
    await q.query(
      `CREATE TABLE "integration_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "key_hash" character varying(64) NOT NULL, "source" character varying(16) NOT NULL, "region_id" uuid NOT NULL, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9cf13339571bac4a3a919e59c33" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_4800f9144fc0836fdd5e837390" ON "integration_keys" ("prefix")`);
    await q.query(
      `CREATE TABLE "raw_events" ("id" character varying(200) NOT NULL, "alert_id" uuid, "source" character varying(16) NOT NULL, "type" character varying(32) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "muted" boolean NOT NULL DEFAULT false, "payload" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5da37c4a4297afca88e18072385" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_69519913b6579c545546b929f3" ON "raw_events" ("alert_id")`);
    await q.query(
      `CREATE TABLE "regions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "name" character varying(64) NOT NULL, "level" character varying(16) NOT NULL, "parent_id" uuid, "path" text NOT NULL, "lon" double precision NOT NULL, "lat" double precision NOT NULL, "boundary" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4fcd12ed6a046276e2deb08801c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_4f6dc5a464961e7c65a395ea4c" ON "regions" ("code")`);
    await q.query(`CREATE INDEX "IDX_b1dc15f575548116575b521d8d" ON "regions" ("parent_id")`);
    await q.query(
      `CREATE TABLE "response_units" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(64) NOT NULL, "kind" character varying(16) NOT NULL, "region_id" uuid NOT NULL, "phone" character varying(32), "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b3e1a24e68a77ab94ef80bbb434" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_ec76e768f2ab0ccc6550f1953c" ON "response_units" ("region_id")`);
    await q.query(
      `CREATE TABLE "sla_policies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "alert_type" character varying(32) NOT NULL, "priority" character varying(8) NOT NULL, "acknowledge_seconds" integer, "dispatch_seconds" integer, "accept_seconds" integer, "arrive_seconds" integer, "resolve_seconds" integer, "escalate" boolean NOT NULL DEFAULT true, "correlation_window_seconds" integer NOT NULL DEFAULT '600', "instructions" text NOT NULL DEFAULT '', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_41b6803cef982534243a67b6302" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_cb8793aa0952cc13360ec28273" ON "sla_policies" ("alert_type", "priority")`,
    );
    await q.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "display_name" character varying(64) NOT NULL, "password_hash" text NOT NULL, "roles" text array NOT NULL, "region_id" uuid NOT NULL, "phone" character varying(32), "disabled" boolean NOT NULL DEFAULT false, "token_version" integer NOT NULL DEFAULT '0', "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "IDX_fe0bb3f6520ee0469504521e71" ON "users" ("username")`);
    await q.query(`CREATE INDEX "IDX_1901e9aae03c8897b7dd460c27" ON "users" ("region_id")`);
    await q.query(`CREATE INDEX "idx_regions_path_prefix" ON "regions" ("path" text_pattern_ops)`);
    await q.query(
      `CREATE INDEX "idx_cameras_region_path_prefix" ON "cameras" ("region_path" text_pattern_ops)`,
    );
    await q.query(
      `CREATE INDEX "idx_checkpoints_region_path_prefix" ON "checkpoints" ("region_path" text_pattern_ops)`,
    );
    await q.query(
      `CREATE INDEX "idx_alerts_region_path_prefix" ON "alerts" ("region_path" text_pattern_ops, "created_at" DESC)`,
    );
    await q.query(
      `CREATE INDEX "idx_alerts_open_correlation" ON "alerts" ("correlation_key", "last_seen_at" DESC) WHERE "status" IN ('NEW','ACKNOWLEDGED','DISPATCHED','ACCEPTED','ON_SCENE')`,
    );
    await q.query(`CREATE INDEX "idx_alerts_created_id" ON "alerts" ("created_at" DESC, "id" DESC)`);
    await q.query(
      `CREATE INDEX "idx_alert_changes_region_seq" ON "alert_changes" ("region_path" text_pattern_ops, "seq")`,
    );
    await q.query(`CREATE SEQUENCE "alert_number_seq"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SEQUENCE IF EXISTS "alert_number_seq"');
    await q.query('DROP TABLE IF EXISTS "users"');
    await q.query('DROP TABLE IF EXISTS "sla_policies"');
    await q.query('DROP TABLE IF EXISTS "response_units"');
    await q.query('DROP TABLE IF EXISTS "regions"');
    await q.query('DROP TABLE IF EXISTS "raw_events"');
    await q.query('DROP TABLE IF EXISTS "integration_keys"');
    await q.query('DROP TABLE IF EXISTS "checkpoints"');
    await q.query('DROP TABLE IF EXISTS "camera_walls"');
    await q.query('DROP TABLE IF EXISTS "cameras"');
    await q.query('DROP TABLE IF EXISTS "audit_log"');
    await q.query('DROP TABLE IF EXISTS "alert_timeline"');
    await q.query('DROP TABLE IF EXISTS "alert_mutes"');
    await q.query('DROP TABLE IF EXISTS "alert_changes"');
    await q.query('DROP TABLE IF EXISTS "alerts"');
  }
}
