import type { AuditRecord } from './audit.types';
import { Exec, HEAD_SQL } from './append-protocol';
import { canonicalOf, chainMac, GENESIS_MAC, parseCanonical } from './canonical';
import type { Checkpoint } from './checkpoints';

export interface VerifyResult {
  valid: boolean;
  checked: number;
  firstBroken: { seq: number; id: string | null } | null;
}

const PAGE = 5000;

interface Row {
  seq: string;
  id: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  resource_ids: string[] | null;
  fields: string[];
  purpose: string | null;
  outcome: AuditRecord['outcome'];
  request_id: string | null;
  prev_mac: Buffer;
  mac: Buffer;
  canonical: string;
}

/** The typed columns must say exactly what the MACed canonical bytes say. */
function columnsMatchCanonical(row: Row): boolean {
  try {
    const c = parseCanonical(row.canonical);
    const fromColumns: AuditRecord = {
      seq: Number(row.seq),
      id: row.id,
      occurredAt: row.occurred_at.toISOString(),
      actorUserId: row.actor_user_id,
      actorAgencyId: row.actor_agency_id,
      actorRole: row.actor_role,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      resourceIds: row.resource_ids,
      fields: row.fields,
      purpose: row.purpose,
      outcome: row.outcome,
      requestId: row.request_id,
    };
    return canonicalOf(fromColumns) === canonicalOf(c);
  } catch {
    return false;
  }
}

/**
 * Verifies the chain: contiguous seq, each prev_mac links to the previous mac, each mac recomputes with the
 * key over the stored canonical bytes, the columns agree with those bytes, every signed checkpoint matches
 * the row at its seq (a deleted tail that has since grown again), the head agrees with the last row, and no
 * checkpoint claims a head the table no longer has (a deleted tail).
 * Incremental mode starts after the newest checkpoint that the table still matches; `checked` counts the
 * rows re-proved. `firstBroken.id` is null when the broken position has no row (a missing event).
 */
export async function verifyChain(exec: Exec, key: Buffer, checkpoints: Checkpoint[], mode: 'incremental' | 'full'): Promise<VerifyResult> {
  // Checkpoints were read by the caller before this head read, so none may legitimately exceed it; rows
  // appended after it are left for the next verification.
  const head = (await exec(HEAD_SQL))[0] as { seq: string; mac: Buffer } | undefined;
  const headSeq = head ? Number(head.seq) : 0;
  const vouched = new Map(checkpoints.map((c) => [c.seq, c.mac]));
  let expected = 1;
  let prev: Buffer = GENESIS_MAC;
  let checked = 0;
  const broken = (seq: number, id: string | null): VerifyResult => ({ valid: false, checked, firstBroken: { seq, id } });

  if (mode === 'incremental' && checkpoints.length) {
    const seqs = [...vouched.keys()];
    const rows = (await exec('SELECT seq, mac FROM audit_events WHERE seq = ANY($1::bigint[])', [seqs])) as Array<{ seq: string; mac: Buffer }>;
    const macs = new Map(rows.map((r) => [Number(r.seq), r.mac.toString('hex')]));
    const good = [...checkpoints].reverse().find((c) => macs.get(c.seq) === c.mac);
    if (good) {
      expected = good.seq + 1;
      prev = Buffer.from(good.mac, 'hex');
    }
  }

  for (;;) {
    const rows = (await exec(`SELECT * FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`, [expected, headSeq])) as Row[];
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) return broken(expected, null); // a missing event
      if (!row.prev_mac.equals(prev) || !row.mac.equals(chainMac(key, prev, row.canonical)) || !columnsMatchCanonical(row)) {
        return broken(seq, row.id);
      }
      const claimed = vouched.get(seq);
      if (claimed !== undefined && claimed !== row.mac.toString('hex')) return broken(seq, row.id);
      prev = row.mac;
      expected += 1;
      checked += 1;
    }
    if (rows.length < PAGE) break;
  }

  const last = expected - 1;
  if (!head || last !== headSeq) return broken(last + 1, null); // events the head vouches for are gone
  if (!head.mac.equals(prev)) return broken(headSeq, null);
  if (checkpoints.some((c) => c.seq > last)) return broken(last + 1, null); // the tail was deleted
  return { valid: true, checked, firstBroken: null };
}
