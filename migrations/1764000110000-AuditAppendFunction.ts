import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_append(expected_seq, expected_mac, events): the audit append protocol in ONE autocommit statement,
 * for the group-commit writer of reads (src/audit/append-protocol.ts, `appendOptimistic`).
 *
 * The writer computes the chained MACs in the application (the key never reaches the database) on the head it
 * last committed. This function takes the chain's advisory transaction lock, then reads the head in a new
 * statement (a VOLATILE plpgsql function takes a fresh snapshot per statement under READ COMMITTED, so it sees
 * every append committed before the lock was granted). If the head is not the expected one (a write
 * transaction appended meanwhile) nothing is written and the current head is returned: the writer recomputes
 * and calls again. Otherwise the events are inserted, checked to continue the chain exactly (contiguous
 * sequence numbers from the head, first prev_mac = head mac), and the head moves — all in the caller's
 * implicit transaction, which commits when the statement ends: one round trip instead of three
 * (BEGIN + lock + head, INSERT, COMMIT).
 *
 * SECURITY INVOKER (the default): it runs with the caller's privileges, so the restricted app role needs
 * nothing beyond the grants it already has (INSERT on audit_events, UPDATE (seq, mac) on audit_head).
 */
export class AuditAppendFunction1764000110000 implements MigrationInterface {
  name = 'AuditAppendFunction1764000110000';

  async up(q: QueryRunner): Promise<void> {
    const [{ schema }] = (await q.query('SELECT quote_ident(current_schema()) AS schema')) as Array<{ schema: string }>;
    await q.query(`
      CREATE FUNCTION audit_append(expected_seq bigint, expected_mac bytea, events jsonb)
      RETURNS TABLE (head_seq bigint, head_mac bytea, appended boolean)
      LANGUAGE plpgsql VOLATILE SET search_path = ${schema}, pg_temp AS $$
      DECLARE
        cur_seq bigint; cur_mac bytea;
        n bigint; distinct_n bigint; lo bigint; hi bigint; last_mac bytea; first_prev bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(7402001);
        SELECT a.seq, a.mac INTO cur_seq, cur_mac FROM audit_head a WHERE a.id = 1;
        IF cur_seq IS DISTINCT FROM expected_seq OR cur_mac IS DISTINCT FROM expected_mac THEN
          RETURN QUERY SELECT cur_seq, cur_mac, false;
          RETURN;
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
        UPDATE audit_head SET seq = hi, mac = last_mac WHERE id = 1;
        RETURN QUERY SELECT hi, last_mac, true;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION audit_append(bigint, bytea, jsonb)');
  }
}
