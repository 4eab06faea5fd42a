import type { Actor } from '../auth/actor';

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'FAILURE';

/** Who acted (null parts for anonymous events such as a failed login of an unknown user, or the CLI). */
export interface AuditActor {
  userId: string | null;
  agencyId: string | null;
  role: string | null;
  requestId: string | null;
}

/** One event as handed in by a module: ids, codes and field paths only — never a personal value. */
export interface AuditEventInput {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  resourceIds?: string[];
  fields?: string[];
  purpose?: string | null;
  outcome?: AuditOutcome;
}

/** An event as stored in the chain. */
export interface AuditRecord {
  seq: number;
  id: string;
  occurredAt: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceIds: string[] | null;
  fields: string[];
  purpose: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
}

export function auditActorOf(actor: Actor): AuditActor {
  return { userId: actor.userId, agencyId: actor.agencyId, role: actor.role, requestId: actor.requestId };
}

/** The local operator (CLI, demo seed) when there is no authenticated actor. */
export function operatorAuditActor(by: Actor | null): AuditActor {
  return by ? auditActorOf(by) : { userId: null, agencyId: null, role: 'CLI', requestId: null };
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, agencyId: null, role: null, requestId: null };
