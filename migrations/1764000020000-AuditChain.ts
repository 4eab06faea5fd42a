import { MigrationInterface, QueryRunner } from 'typeorm';

/** First month of pre-created partitions and how many months ahead the migration creates. */
const MONTHS_AHEAD = 36;

/** TRUNCATE triggers are not inherited by partitions: every partition gets its own, enabled ALWAYS. */
function protectPartitionSql(name: string): string {
  return `
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON ${name} FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();
    ALTER TABLE ${name} ENABLE ALWAYS TRIGGER audit_events_no_truncate;
    ALTER TABLE ${name} ENABLE ALWAYS TRIGGER audit_events_no_change;`;
}

/** The monthly partition holding events of `year`-`month` (idempotent; also used by the maintenance CLI). */
export function monthlyPartitionSql(year: number, month: number): string {
  const mm = String(month).padStart(2, '0');
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const name = `audit_events_${year}_${mm}`;
  return `
    DO $$ BEGIN
      IF to_regclass('${name}') IS NULL THEN
        CREATE TABLE ${name} PARTITION OF audit_events FOR VALUES FROM ('${year}-${mm}-01') TO ('${next}');
        ${protectPartitionSql(name)}
      END IF;
    END $$;`;
}

/**
 * The append-only, hash-chained audit log (DESIGN.md "Privacy model" 5).
 * - audit_events: partitioned by month; each row stores the canonical bytes the application MACed.
 * - audit_head: the chain head (seq, mac), updated in the same statement as each append.
 * - Triggers reject UPDATE/DELETE/TRUNCATE for everyone, also under session_replication_role = replica
 *   (ENABLE ALWAYS). TRUNCATE triggers are not inherited, so every partition gets its own.
 */
export class AuditChain1764000020000 implements MigrationInterface {
  name = 'AuditChain1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit events are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
      END $$`);
    await q.query(`
      CREATE TABLE audit_events (
        seq             bigint      NOT NULL,
        id              uuid        NOT NULL,
        occurred_at     timestamptz NOT NULL,
        actor_user_id   uuid,
        actor_agency_id uuid,
        actor_role      text,
        action          text        NOT NULL,
        resource_type   text        NOT NULL,
        resource_id     uuid,
        resource_ids    uuid[],
        fields          text[]      NOT NULL DEFAULT '{}',
        purpose         text,
        outcome         text        NOT NULL CHECK (outcome IN ('SUCCESS', 'DENIED', 'FAILURE')),
        request_id      text,
        prev_mac        bytea       NOT NULL,
        mac             bytea       NOT NULL,
        canonical       text        NOT NULL,
        PRIMARY KEY (seq, occurred_at)
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query('CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, seq)');
    await q.query('CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, seq)');
    await q.query('CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at)');
    await q.query(`CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    await q.query('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_change');
    await q.query('ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate');

    // A default partition so an append never fails for want of a month; monthly ones ahead of time.
    await q.query('CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT');
    await q.query(protectPartitionSql('audit_events_default'));
    const now = new Date();
    for (let i = -1; i < MONTHS_AHEAD; i++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
      await q.query(monthlyPartitionSql(d.getUTCFullYear(), d.getUTCMonth() + 1));
    }

    await q.query(`
      CREATE TABLE audit_head (
        id  smallint PRIMARY KEY CHECK (id = 1),
        seq bigint   NOT NULL,
        mac bytea    NOT NULL
      )`);
    await q.query(`INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, decode(repeat('00', 32), 'hex'))`);
    await q.query(`
      CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq OR NEW.id <> OLD.id THEN
          RAISE EXCEPTION 'the audit head only moves forward' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()`);
    await q.query(`CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    await q.query('ALTER TABLE audit_head ENABLE ALWAYS TRIGGER audit_head_forward');
    await q.query('ALTER TABLE audit_head ENABLE ALWAYS TRIGGER audit_head_no_truncate');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_head');
    await q.query('DROP TABLE audit_events');
    await q.query('DROP FUNCTION audit_head_forward_only');
    await q.query('DROP FUNCTION audit_reject_change');
  }
}
