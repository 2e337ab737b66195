import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter that moves whenever something the alert-service caches changes: a camera's or
 * checkpoint's region, path, name or position, a region's name or path, any SLA policy or alert
 * mute, or a delete of any of those. The alert-service reads it once per intake batch (inside the batch's
 * transaction) and drops its caches when it moved, so a cached camera → region or an SLA
 * policy is never used after the change committed. The trigger updates the one row in the
 * changing transaction, so the bump commits (or rolls back) with the change itself; inserts do
 * not bump it (nothing new is cached before it exists) and neither do status updates (the WHEN
 * clauses), so the hot row is only touched by rare administrative changes.
 */
export class AlertIntakeCacheVersion1764900000000 implements MigrationInterface {
  name = 'AlertIntakeCacheVersion1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alert_intake_cache_version" ("id" integer PRIMARY KEY CHECK ("id" = 1), "version" bigint NOT NULL DEFAULT 0)`,
    );
    await q.query(`INSERT INTO "alert_intake_cache_version" ("id", "version") VALUES (1, 0)`);
    await q.query(
      `CREATE FUNCTION "alert_intake_cache_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "alert_intake_cache_version" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$`,
    );
    for (const table of ['cameras', 'checkpoints']) {
      await q.query(
        `CREATE TRIGGER "${table}_intake_cache_update" AFTER UPDATE ON "${table}" FOR EACH ROW
           WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id OR OLD.region_path IS DISTINCT FROM NEW.region_path
              OR OLD.name IS DISTINCT FROM NEW.name OR OLD.lon IS DISTINCT FROM NEW.lon OR OLD.lat IS DISTINCT FROM NEW.lat)
           EXECUTE FUNCTION "alert_intake_cache_bump"()`,
      );
    }
    await q.query(
      `CREATE TRIGGER "regions_intake_cache_update" AFTER UPDATE ON "regions" FOR EACH ROW
         WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.path IS DISTINCT FROM NEW.path)
         EXECUTE FUNCTION "alert_intake_cache_bump"()`,
    );
    for (const table of ['cameras', 'checkpoints', 'regions']) {
      await q.query(
        `CREATE TRIGGER "${table}_intake_cache_delete" AFTER DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT
           EXECUTE FUNCTION "alert_intake_cache_bump"()`,
      );
    }
    for (const table of ['sla_policies', 'alert_mutes']) {
      await q.query(
        `CREATE TRIGGER "${table}_intake_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION "alert_intake_cache_bump"()`,
      );
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS "alert_mutes_intake_cache" ON "alert_mutes"');
    await q.query('DROP TRIGGER IF EXISTS "sla_policies_intake_cache" ON "sla_policies"');
    for (const table of ['cameras', 'checkpoints', 'regions']) {
      await q.query(`DROP TRIGGER IF EXISTS "${table}_intake_cache_delete" ON "${table}"`);
      await q.query(`DROP TRIGGER IF EXISTS "${table}_intake_cache_update" ON "${table}"`);
    }
    await q.query('DROP FUNCTION IF EXISTS "alert_intake_cache_bump"()');
    await q.query('DROP TABLE IF EXISTS "alert_intake_cache_version"');
  }
}
