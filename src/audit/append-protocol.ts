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
const JSON_COLUMNS = COLUMNS.split(',').map((c) => c.trim());

/** The chain head: the last committed event's sequence number and MAC. */
export interface ChainHead {
  seq: number;
  mac: Buffer;
}

/** An event whose identity and time are fixed but which is not yet in the chain (no seq, no MAC). */
export type UnchainedRecord = Omit<AuditRecord, 'seq'>;

/** Fixes an event's id and time: when it is handed in, not when its batch is chained. */
export function unchained({ actor, event }: PendingEvent, occurredAt = new Date().toISOString()): UnchainedRecord {
  return {
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
}

/** Events chained onto `head` in memory: their records, each row's column values, and the new head. */
function chainOnto(key: Buffer, head: ChainHead, events: UnchainedRecord[]): { records: AuditRecord[]; rows: unknown[][]; head: ChainHead } {
  let seq = head.seq;
  let prev = head.mac;
  const records: AuditRecord[] = [];
  const rows: unknown[][] = [];
  for (const event of events) {
    seq += 1;
    const record: AuditRecord = { seq, ...event };
    const canonical = canonicalOf(record);
    const mac = chainMac(key, prev, canonical);
    rows.push([
      record.seq, record.id, record.occurredAt, record.actorUserId, record.actorAgencyId, record.actorRole, record.action,
      record.resourceType, record.resourceId, record.resourceIds, record.fields, record.purpose, record.outcome, record.requestId,
      prev, mac, canonical,
    ]);
    records.push(record);
    prev = mac;
  }
  return { records, rows, head: { seq, mac: prev } };
}

/**
 * The append protocol in its multi-statement form (the benchmark's bulk seed; the app's writes and reads use
 * `appendOptimistic`, which runs the same three steps server-side). The caller commits (or rolls back) after
 * this returns.
 *  1. take the chain's advisory TRANSACTION lock — in its own statement, so that
 *  2. the head read by the next statement sees every append committed before the lock was granted
 *     (reading it in the same statement would use a snapshot from before the wait and fork the chain);
 *  3. insert all events with chained MACs and move the head, in one statement (one multi-row INSERT); the
 *     head moves only from the head read in 2 — anything else fails the statement instead of forking.
 * Round trips: one for 1+2 (plus BEGIN when `begin` is set), one for 3.
 */
export async function appendToChain(conn: ChainConnection, key: Buffer, pending: PendingEvent[], opts: { begin?: boolean } = {}): Promise<AuditRecord[]> {
  if (pending.length === 0) return [];
  const results = await conn.script(`${opts.begin ? 'BEGIN; ' : ''}SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}); ${HEAD_SQL}`);
  const read = results[results.length - 1][0] as { seq: string; mac: Buffer };
  const from: ChainHead = { seq: Number(read.seq), mac: read.mac };
  const occurredAt = new Date().toISOString();
  const { records, rows, head } = chainOnto(key, from, pending.map((p) => unchained(p, occurredAt)));
  const params: unknown[] = [];
  const tuples = rows.map((values) => `(${values.map((v) => { params.push(v); return `$${params.length}`; }).join(', ')})`);
  params.push(head.seq, head.mac, from.seq);
  const n = params.length;
  const moved = await conn.query(
    `WITH appended AS (INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(', ')} RETURNING 1)
     UPDATE audit_head SET seq = $${n - 2}, mac = $${n - 1}
      WHERE id = 1 AND seq = $${n} AND (SELECT count(*) FROM appended) = ${pending.length} RETURNING seq`,
    params,
  );
  if (moved.length !== 1) throw new Error('the audit head moved under the chain lock; batch not appended');
  return records;
}

/** The one-statement append (migrations AuditAppendFunction, AuditStagedEvents): a prepared statement, events as one JSON array. */
const OPTIMISTIC_APPEND = { name: 'vcm_audit_append', text: 'SELECT head_seq, head_mac, appended, still_staged FROM audit_append($1, $2, $3, $4)' };

/** appendOptimistic's answer: appended, or not because some staged events were chained by someone else. */
export type OptimisticAppend =
  | { appended: true; records: AuditRecord[]; head: ChainHead }
  | { appended: false; stillStaged: Set<string>; head: ChainHead };

/**
 * The one-statement append: the events chained onto `expected` (the head the caller believes current), sent in
 * ONE statement that takes the chain lock, checks the head, inserts and moves the head (see the migration).
 * Round trips: one; two when another writer moved the head meanwhile (the events are chained again onto the
 * head the function returned). The group writer calls it in autocommit mode: the statement's own transaction
 * commits the batch, durably, before this resolves. A transaction outside the app (CLI) calls it inside its
 * transaction: the lock (a transaction lock) and the rows are that transaction's until it ends — then the
 * second call cannot miss, since nobody else can append while the lock is held.
 * `stagedIds`: the events that come from `audit_staged` (written by committed write transactions); they are
 * deleted there in the same transaction. If any of them is no longer staged (another process's writer chained
 * it) nothing is written and the answer says which still are.
 */
export async function appendOptimistic(
  client: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: any[] }> },
  key: Buffer,
  expected: ChainHead | undefined,
  events: UnchainedRecord[],
  stagedIds: string[] = [],
): Promise<OptimisticAppend> {
  let from: ChainHead = expected ?? { seq: -1, mac: Buffer.alloc(0) }; // unknown: the first call returns the head
  for (let attempt = 0; ; attempt++) {
    const { records, rows, head } = chainOnto(key, from, events);
    const json = rows.map((r) => Object.fromEntries(JSON_COLUMNS.map((c, i) => [c, r[i] instanceof Buffer ? (r[i] as Buffer).toString('hex') : r[i]])));
    const result = await client.query({ ...OPTIMISTIC_APPEND, values: [from.seq, from.mac, JSON.stringify(json), stagedIds] });
    const row = result.rows[0] as { head_seq: string; head_mac: Buffer; appended: boolean; still_staged: string[] | null };
    const current: ChainHead = { seq: Number(row.head_seq), mac: row.head_mac };
    if (row.appended) return { appended: true, records, head };
    if (row.still_staged) return { appended: false, stillStaged: new Set(row.still_staged), head: current };
    // Bounded: under a storm of write transactions give up (fail closed) rather than spin.
    if (attempt >= 20) throw new Error('the audit head kept moving; batch not appended');
    from = current;
  }
}
