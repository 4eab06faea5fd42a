import { v7 as uuidv7 } from 'uuid';
import type { AuditActor, AuditEventInput, AuditRecord } from './audit.types';
import { canonicalOf, chainMac } from './canonical';

/** Runs one SQL statement on the connection/transaction the caller owns. */
export type Exec = (sql: string, params?: unknown[]) => Promise<any[]>;

/** The chain's advisory lock key (an arbitrary constant: "VCM audit"). */
export const AUDIT_LOCK_KEY = 7_402_001;

export interface PendingEvent {
  actor: AuditActor;
  event: AuditEventInput;
}

const COLUMNS =
  'seq, id, occurred_at, actor_user_id, actor_agency_id, actor_role, action, resource_type, resource_id, resource_ids, fields, purpose, outcome, request_id, prev_mac, mac, canonical';

/**
 * THE append protocol, used by every writer (HTTP writes inside their business transaction, the group-commit
 * writer for reads, the CLI). The caller must be inside a transaction; it commits after this returns.
 *  1. take the chain's advisory transaction lock — in its own statement, so that
 *  2. the head read afterwards sees every chain append committed before the lock was granted;
 *  3. insert the events with chained MACs and move the head, in one statement.
 */
export async function appendToChain(exec: Exec, key: Buffer, pending: PendingEvent[]): Promise<AuditRecord[]> {
  if (pending.length === 0) return [];
  await exec('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
  const head = (await exec('SELECT seq, mac FROM audit_head WHERE id = 1'))[0] as { seq: string; mac: Buffer };
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
  await exec(
    `WITH appended AS (INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(', ')} RETURNING 1)
     UPDATE audit_head SET seq = $${params.length - 1}, mac = $${params.length} WHERE id = 1 AND (SELECT count(*) FROM appended) = ${pending.length}`,
    params,
  );
  return records;
}
