import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuditAppendFunction1764000110000 } from './1764000110000-AuditAppendFunction';

/**
 * Write transactions stop holding the audit chain's lock (src/audit/README.md, "Staged events").
 *
 * `audit_staged`: a write transaction inserts its audit events here, unchained, in the same transaction as the
 * change (they commit together, or neither does) — no chain lock, no head guess, no round trip of its own when
 * the insert rides in the write's statement. The group-commit writer then chains them, with the reads' events,
 * in its next batch: `audit_append` gains `staged_ids`, the events of that batch that come from this table.
 * Under the chain lock it checks they are all still staged (another process's writer may have chained them —
 * only chain-lock holders delete here), inserts the chained rows and deletes the staged ones in the same
 * transaction. If any is gone it writes nothing and answers which are still there.
 *
 * Rows are only inserted and deleted (a trigger refuses UPDATE): the app role needs SELECT, INSERT, DELETE.
 */
export class AuditStagedEvents1764000140000 implements MigrationInterface {
  name = 'AuditStagedEvents1764000140000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = (await q.query('SELECT quote_ident(current_schema()) AS schema')) as Array<{ schema: string }>;
    await q.query(`
      CREATE TABLE audit_staged (
        event_id uuid PRIMARY KEY,           -- the event's own id (uuid v7: staged order)
        event jsonb NOT NULL,                -- the unchained record: ids, codes and field paths only (src/audit/validate.ts)
        staged_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE TRIGGER audit_staged_no_update BEFORE UPDATE ON audit_staged FOR EACH ROW EXECUTE FUNCTION audit_reject_change()');
    await q.query('ALTER TABLE audit_staged ENABLE ALWAYS TRIGGER audit_staged_no_update');
    await q.query('DROP FUNCTION audit_append(bigint, bytea, jsonb)');
    await q.query(`
      CREATE FUNCTION audit_append(expected_seq bigint, expected_mac bytea, events jsonb, staged_ids uuid[])
      RETURNS TABLE (head_seq bigint, head_mac bytea, appended boolean, still_staged uuid[])
      LANGUAGE plpgsql VOLATILE SET search_path = ${schema}, pg_temp AS $$
      DECLARE
        cur_seq bigint; cur_mac bytea; present uuid[];
        n bigint; distinct_n bigint; lo bigint; hi bigint; last_mac bytea; first_prev bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(7402001);
        SELECT a.seq, a.mac INTO cur_seq, cur_mac FROM audit_head a WHERE a.id = 1;
        IF cur_seq IS DISTINCT FROM expected_seq OR cur_mac IS DISTINCT FROM expected_mac THEN
          RETURN QUERY SELECT cur_seq, cur_mac, false, NULL::uuid[];
          RETURN;
        END IF;
        IF cardinality(staged_ids) > 0 THEN
          -- Stable under the lock: only its holders delete staged events.
          SELECT coalesce(array_agg(s.event_id), '{}') INTO present FROM audit_staged s WHERE s.event_id = ANY (staged_ids);
          IF cardinality(present) <> cardinality(staged_ids) THEN
            RETURN QUERY SELECT cur_seq, cur_mac, false, present;
            RETURN;
          END IF;
        END IF;
        WITH ins AS (
          INSERT INTO audit_events (seq, id, occurred_at, actor_user_id, actor_agency_id, actor_role, action, resource_type,
                                    resource_id, resource_ids, fields, purpose, outcome, request_id, prev_mac, mac, canonical)
          SELECT e.seq, e.id, e.occurred_at, e.actor_user_id, e.actor_agency_id, e.actor_role, e.action, e.resource_type,
                 e.resource_id, e.resource_ids, coalesce(e.fields, '{}'), e.purpose, e.outcome, e.request_id,
                 decode(e.prev_mac, 'hex'), decode(e.mac, 'hex'), e.canonical
            FROM jsonb_to_recordset(events) AS e(
                 seq bigint, id uuid, occurred_at timestamptz, actor_user_id uuid, actor_agency_id uuid, actor_role text,
                 action text, resource_type text, resource_id uuid, resource_ids uuid[], fields text[], purpose text,
                 outcome text, request_id text, prev_mac text, mac text, canonical text)
          RETURNING seq, mac, prev_mac)
        SELECT count(*), count(DISTINCT ins.seq), min(ins.seq), max(ins.seq),
               (array_agg(ins.mac ORDER BY ins.seq DESC))[1], (array_agg(ins.prev_mac ORDER BY ins.seq))[1]
          INTO n, distinct_n, lo, hi, last_mac, first_prev FROM ins;
        IF n = 0 OR distinct_n <> n OR lo <> expected_seq + 1 OR hi <> expected_seq + n OR first_prev <> expected_mac THEN
          RAISE EXCEPTION 'audit batch does not continue the chain' USING ERRCODE = '22023';
        END IF;
        IF cardinality(staged_ids) > 0 THEN
          DELETE FROM audit_staged s WHERE s.event_id = ANY (staged_ids);
        END IF;
        UPDATE audit_head SET seq = hi, mac = last_mac WHERE id = 1;
        RETURN QUERY SELECT hi, last_mac, true, NULL::uuid[];
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION audit_append(bigint, bytea, jsonb, uuid[])');
    await new AuditAppendFunction1764000110000().up(q);
    await q.query('DROP TABLE audit_staged');
  }
}
