import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit partitions, created and locked down by the database itself:
 * - audit_lock_down_partitions(): partitions carry NO privileges for anyone but the owner. The app role
 *   reads and appends through the parent `audit_events` (PostgreSQL checks only the parent's privileges
 *   then), so a broad `GRANT ... ON ALL TABLES` or default privileges can never hand it UPDATE/DELETE/
 *   TRUNCATE on a partition directly.
 * - audit_ensure_partitions(n): creates the monthly partitions (UTC months) from this month to n months
 *   ahead that are missing, each with its TRUNCATE trigger (not inherited), triggers enabled ALWAYS, and
 *   locked down. SECURITY DEFINER, so the restricted app role may call it at startup (README: EXECUTE is
 *   granted to the app role explicitly, not to PUBLIC). It takes no input but a bounded integer.
 */
export class AuditPartitionMaintenance1764000091000 implements MigrationInterface {
  name = 'AuditPartitionMaintenance1764000091000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = (await q.query('SELECT quote_ident(current_schema()) AS schema')) as Array<{ schema: string }>;
    // A fixed search_path with pg_temp LAST: a caller's temporary objects cannot shadow ours.
    const path = `SET search_path = ${schema}, pg_temp`;
    await q.query(`
      CREATE FUNCTION audit_lock_down_partitions() RETURNS void LANGUAGE plpgsql ${path} AS $$
      DECLARE part regclass; who oid;
      BEGIN
        FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_events'::regclass LOOP
          FOR who IN
            SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = part AND a.grantee <> c.relowner
          LOOP
            EXECUTE format('REVOKE ALL ON %s FROM %s', part, CASE WHEN who = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(who)) END);
          END LOOP;
        END LOOP;
      END $$`);
    await q.query(`
      CREATE FUNCTION audit_ensure_partitions(months_ahead integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER ${path} SET lock_timeout = '2s' AS $$
      DECLARE
        first date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
        m date; name text; created integer := 0;
      BEGIN
        IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
          RAISE EXCEPTION 'months_ahead must be between 0 and 120';
        END IF;
        FOR i IN 0..months_ahead LOOP
          m := (first + make_interval(months => i))::date;
          name := 'audit_events_' || to_char(m, 'YYYY_MM');
          CONTINUE WHEN to_regclass(name) IS NOT NULL;
          BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', name,
              m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()', name);
            EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER audit_events_no_truncate', name);
            EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER audit_events_no_change', name);
            created := created + 1;
          EXCEPTION WHEN others THEN
            -- e.g. the default partition already holds rows of that month, or a lock wait: appends still
            -- land in the default partition, so this is a warning for the operator, not a failure.
            RAISE WARNING 'audit partition % not created: %', name, SQLERRM;
          END;
        END LOOP;
        PERFORM audit_lock_down_partitions();
        RETURN created;
      END $$`);
    await q.query('REVOKE ALL ON FUNCTION audit_ensure_partitions(integer) FROM PUBLIC');
    await q.query('REVOKE ALL ON FUNCTION audit_lock_down_partitions() FROM PUBLIC');
    await q.query('SELECT audit_ensure_partitions(3)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION audit_ensure_partitions(integer)');
    await q.query('DROP FUNCTION audit_lock_down_partitions()');
  }
}
