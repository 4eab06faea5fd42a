import type { AuditActor, AuditEventInput } from './audit.types';
import type { PendingEvent } from './append-protocol';

const CODE = /^[a-z][a-z0-9_.-]{0,63}$/;
const PURPOSE = /^[A-Z0-9_]{1,64}$/;
const FIELD_PATH = /^[a-zA-Z0-9_.[\]]{1,128}$/;
const ROLE = /^[A-Z][A-Z_]{0,31}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{0,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OUTCOMES = new Set(['SUCCESS', 'DENIED', 'FAILURE']);
const MAX_ITEMS = 10_000;

const uuidOrNull = (v: unknown) => v === null || (typeof v === 'string' && UUID.test(v));
const matchOrNull = (re: RegExp, v: unknown) => v === null || (typeof v === 'string' && re.test(v));
const list = (re: RegExp, v: unknown) => v === undefined || (Array.isArray(v) && v.length <= MAX_ITEMS && v.every((x) => typeof x === 'string' && re.test(x)));

/** Which part of an input is not an id, code or field path (a name, never the value), or null. */
export function invalidPart(actor: AuditActor, e: AuditEventInput): string | null {
  if (!uuidOrNull(actor.userId)) return 'actor.userId';
  if (!uuidOrNull(actor.agencyId)) return 'actor.agencyId';
  if (!matchOrNull(ROLE, actor.role)) return 'actor.role';
  if (!matchOrNull(REQUEST_ID, actor.requestId)) return 'actor.requestId';
  if (typeof e.action !== 'string' || !CODE.test(e.action)) return 'action';
  if (typeof e.resourceType !== 'string' || !CODE.test(e.resourceType)) return 'resourceType';
  if (e.resourceId !== undefined && !uuidOrNull(e.resourceId)) return 'resourceId';
  if (!list(UUID, e.resourceIds)) return 'resourceIds';
  if (!list(FIELD_PATH, e.fields)) return 'fields';
  if (e.purpose !== undefined && !matchOrNull(PURPOSE, e.purpose)) return 'purpose';
  if (e.outcome !== undefined && !OUTCOMES.has(e.outcome)) return 'outcome';
  return null;
}

/**
 * Admits only ids, codes and field paths, so free text — and with it personal data — cannot enter the
 * audit trail by mistake. A violation is a programming error: a plain Error (500) naming the part, not the
 * value, and the caller's read or write fails.
 */
export function toPending(actor: AuditActor, events: AuditEventInput[]): PendingEvent[] {
  return events.map((event) => {
    const bad = invalidPart(actor, event);
    if (bad) throw new Error(`audit event rejected: ${bad} is not an id, code or field path`);
    return { actor, event };
  });
}
