import { createHmac } from 'node:crypto';
import type { AuditRecord } from './audit.types';

/**
 * The exact bytes the chain MACs: a JSON array with a fixed field order, produced by the application and
 * stored as-is (so re-rendered jsonb or timestamps can never cause a false alarm).
 */
export function canonicalOf(r: AuditRecord): string {
  return JSON.stringify([
    1,
    r.seq,
    r.id,
    r.occurredAt,
    r.actorUserId,
    r.actorAgencyId,
    r.actorRole,
    r.action,
    r.resourceType,
    r.resourceId,
    r.resourceIds,
    r.fields,
    r.purpose,
    r.outcome,
    r.requestId,
  ]);
}

export function parseCanonical(text: string): AuditRecord {
  const a = JSON.parse(text) as unknown[];
  if (!Array.isArray(a) || a[0] !== 1 || a.length !== 15) throw new Error('unknown canonical format');
  const [, seq, id, occurredAt, actorUserId, actorAgencyId, actorRole, action, resourceType, resourceId, resourceIds, fields, purpose, outcome, requestId] =
    a as [number, number, string, string, string | null, string | null, string | null, string, string, string | null, string[] | null, string[], string | null, AuditRecord['outcome'], string | null];
  return { seq, id, occurredAt, actorUserId, actorAgencyId, actorRole, action, resourceType, resourceId, resourceIds, fields, purpose, outcome, requestId };
}

/** mac(n) = HMAC-SHA-256(auditKey, mac(n-1) ‖ canonical(n)). Without the key nobody can recompute it. */
export function chainMac(key: Buffer, prevMac: Buffer, canonical: string): Buffer {
  return createHmac('sha256', key).update(prevMac).update(canonical, 'utf8').digest();
}

export const GENESIS_MAC = Buffer.alloc(32);
