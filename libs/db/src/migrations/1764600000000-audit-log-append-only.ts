import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is append-only, enforced by the database rather than by convention: UPDATE,
 * DELETE and TRUNCATE of audit_log fail for every role, the owner and superusers included
 * (the app role is also refused by its privileges, see grantAppRole). The one way to change
 * past entries is explicit and needs the table's owner: a migration that runs
 * `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only` and enables it again in the
 * same transaction. A setting or session flag would not do, since any role can set those.
 */
export class AuditLogAppendOnly1764600000000 implements MigrationInterface {
  name = 'AuditLogAppendOnly1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`,
    );
    // Statement-level, so even a statement that matches no row is refused.
    await q.query(
      `CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"()`,
    );
    await q.query(
      `CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS "audit_log_no_truncate" ON "audit_log"');
    await q.query('DROP TRIGGER IF EXISTS "audit_log_append_only" ON "audit_log"');
    await q.query('DROP FUNCTION IF EXISTS "audit_log_refuse_change"()');
  }
}
