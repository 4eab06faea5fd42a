import { v7 as uuidv7 } from 'uuid';
import type { AuditActor, AuditEventInput, AuditRecord } from './audit.types';
import { canonicalOf, chainMac } from './canonical';

/** Runs one SQL statement on the connection/transaction the caller owns; returns its rows. */
export type Exec = (sql: string, params?: unknown[]) => Promise<any[]>;

/**
 * A connection the chain can be appended on. `script` sends several parameterless statements in ONE round
 * trip (simple query protocol) and returns each statement's rows; in READ COMMITTED every statement of the
 * message still gets its own snapshot, so "lock; read head" in one message is as safe as two messages.
 */
export interface ChainConnection {
  query: Exec;
  script: (sql: string) => Promise<any[][]>;
}

/** Minimal shape of a node-postgres client (pg.Client / PoolClient). */
export interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

export function chainConnection(client: PgQueryable): ChainConnection {
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows,
    script: async (sql) => {
      const result = await client.query(sql);
      return (Array.isArray(result) ? result : [result]).map((r: { rows: any[] }) => r.rows);
    },
  };
}

/** The chain's advisory lock key (an arbitrary constant: "VCM audit"). */
export const AUDIT_LOCK_KEY = 7_402_001;

/** Reads the committed head (outside the protocol: checkpoints and verification). */
export const HEAD_SQL = 'SELECT seq, mac FROM audit_head WHERE id = 1';

export interface PendingEvent {
  actor: AuditActor;
  event: AuditEventInput;
}

const COLUMNS =
  'seq, id, occurred_at, actor_user_id, actor_agency_id, actor_role, action, resource_type, resource_id, resource_ids, fields, purpose, outcome, request_id, prev_mac, mac, canonical';

/**
 * THE append protocol, used by every writer (HTTP writes inside their business transaction, the group-commit
 * writer for reads, the CLI). The caller commits (or rolls back) after this returns.
 *  1. take the chain's advisory TRANSACTION lock — in its own statement, so that
 *  2. the head read by the next statement sees every append committed before the lock was granted
 *     (reading it in the same statement would use a snapshot from before the wait and fork the chain);
 *  3. insert all events with chained MACs and move the head, in one statement (one multi-row INSERT).
 * Round trips: one for 1+2 (plus BEGIN when `begin` is set), one for 3.
 */
export async function appendToChain(conn: ChainConnection, key: Buffer, pending: PendingEvent[], opts: { begin?: boolean } = {}): Promise<AuditRecord[]> {
  if (pending.length === 0) return [];
  const results = await conn.script(`${opts.begin ? 'BEGIN; ' : ''}SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}); ${HEAD_SQL}`);
  const head = results[results.length - 1][0] as { seq: string; mac: Buffer };
  let seq = Number(head.seq);
  let prev = head.mac;
  const occurredAt = new Date().toISOString();
  const params: unknown[] = [];
  const tuples: string[] = [];
  const records: AuditRecord[] = [];
  for (const { actor, event } of pending) {
    seq += 1;
    const record: AuditRecord = {
      seq,
      id: uuidv7(),
      occurredAt,
      actorUserId: actor.userId,
      actorAgencyId: actor.agencyId,
      actorRole: actor.role,
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId ?? null,
      resourceIds: event.resourceIds ?? null,
      fields: event.fields ?? [],
      purpose: event.purpose ?? null,
      outcome: event.outcome ?? 'SUCCESS',
      requestId: actor.requestId,
    };
    const canonical = canonicalOf(record);
    const mac = chainMac(key, prev, canonical);
    const values = [
      record.seq, record.id, record.occurredAt, record.actorUserId, record.actorAgencyId, record.actorRole, record.action,
      record.resourceType, record.resourceId, record.resourceIds, record.fields, record.purpose, record.outcome, record.requestId,
      prev, mac, canonical,
    ];
    tuples.push(`(${values.map((v) => { params.push(v); return `$${params.length}`; }).join(', ')})`);
    records.push(record);
    prev = mac;
  }
  params.push(seq, prev);
  await conn.query(
    `WITH appended AS (INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(', ')} RETURNING 1)
     UPDATE audit_head SET seq = $${params.length - 1}, mac = $${params.length} WHERE id = 1 AND (SELECT count(*) FROM appended) = ${pending.length}`,
    params,
  );
  return records;
}
