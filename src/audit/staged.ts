import type { UnchainedRecord } from './append-protocol';
import type { AuditOutcome } from './audit.types';
import { invalidPart } from './validate';

/** A write's events, validated and with their ids and times fixed, ready to be staged in its transaction. */
export interface StagedEvents {
  records: UnchainedRecord[];
  /** The JSON array `STAGED_INSERT_SQL` inserts (one parameter). */
  json: string;
}

/**
 * Stages a write's events (`audit_staged`, migration AuditStagedEvents) from one jsonb array parameter. Usable as
 * a statement of its own or as a data-modifying CTE of the write's statement (`param` is its placeholder).
 */
export const STAGED_INSERT_SQL = (param: string): string =>
  `INSERT INTO audit_staged (event_id, event) SELECT (e->>'id')::uuid, e FROM jsonb_array_elements(${param}::jsonb) AS e`;

/**
 * Staged rows read back from the database (the poller), checked again before they are chained: only ids,
 * codes and field paths may enter the chain, whoever wrote the row. Rows that fail stay staged (their ids returned).
 */
export function stagedFromRows(rows: Array<{ event_id: string; event: Record<string, unknown> }>): { records: UnchainedRecord[]; rejected: string[] } {
  const records: UnchainedRecord[] = [];
  const rejected: string[] = [];
  for (const { event_id, event: e } of rows) {
    const record: UnchainedRecord = {
      id: event_id,
      occurredAt: e.occurredAt as string,
      actorUserId: e.actorUserId as string | null,
      actorAgencyId: e.actorAgencyId as string | null,
      actorRole: e.actorRole as string | null,
      action: e.action as string,
      resourceType: e.resourceType as string,
      resourceId: (e.resourceId ?? null) as string | null,
      resourceIds: (e.resourceIds ?? null) as string[] | null,
      fields: e.fields as string[],
      purpose: (e.purpose ?? null) as string | null,
      outcome: e.outcome as AuditOutcome,
      requestId: e.requestId as string | null,
    };
    const actor = { userId: record.actorUserId, agencyId: record.actorAgencyId, role: record.actorRole, requestId: record.requestId };
    const input = { ...record, resourceIds: record.resourceIds ?? undefined };
    const valid =
      e.id === event_id && typeof record.occurredAt === 'string' && !Number.isNaN(Date.parse(record.occurredAt)) &&
      Array.isArray(record.fields) && typeof record.outcome === 'string' && invalidPart(actor, input) === null;
    if (valid) records.push(record);
    else rejected.push(event_id);
  }
  return { records, rejected };
}
