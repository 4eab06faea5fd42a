import type { Actor } from '../auth/actor';
import { AccessReason, POLICY } from './field-registry';
import { SqlParams } from './sql-params';

export interface ScopeOptions {
  /** CASE_SCOPE: 'agency' (default) or 'assigned' (caseworkers see only cases assigned to them). */
  caseScope: 'agency' | 'assigned';
}

/**
 * SQL condition, over the case alias `c`, that holds when the actor has `reason` to access the case.
 * Reasons without a condition yet (their modules are not built) grant nothing.
 */
interface ActorParams {
  agency: () => string;
  user: () => string;
}

function reasonCondition(reason: AccessReason, ids: ActorParams): string | null {
  switch (reason) {
    case 'OWNER_AGENCY':
      return `c.owner_agency_id = ${ids.agency()}::uuid`;
    case 'ASSIGNED':
      return `c.assigned_user_id = ${ids.user()}::uuid`;
    case 'HANDOVER':
      // The border unit that recorded the handover which opened the case.
      return `EXISTS (SELECT 1 FROM handovers h WHERE h.id = c.source_handover_id AND h.recorded_by_agency_id = ${ids.agency()}::uuid)`;
    case 'VERIFICATION_TASK':
      // An open verification/identification task assigned to the actor's agency.
      return `EXISTS (SELECT 1 FROM verification_tasks v WHERE v.case_id = c.id AND v.assigned_agency_id = ${ids.agency()}::uuid AND v.status = 'OPEN')`;
    case 'REFERRAL':
      // An active referral (with its consent) to the actor's agency.
      return `EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = ${ids.agency()}::uuid AND r.status = 'ACTIVE')`;
    // Declared for the module that brings it: an EXISTS over active, unexpired break-glass grants.
    case 'BREAK_GLASS':
      return null;
  }
}

/** The reasons the actor's role can use at all, after the CASE_SCOPE option. */
export function reasonsForRole(actor: Actor, options: ScopeOptions): AccessReason[] {
  const reasons = Object.keys(POLICY[actor.role].read) as AccessReason[];
  if (options.caseScope === 'assigned' && actor.role === 'CASEWORKER') return reasons.filter((r) => r !== 'OWNER_AGENCY');
  return reasons;
}

/**
 * THE record-scope predicate: one SQL condition used by every case query (reads, lists, counts, searches),
 * so out-of-scope rows are never fetched. Also returns a select expression naming the reasons that hold for
 * each row, from which the field registry decides what is returned.
 */
export function scopePredicate(actor: Actor, p: SqlParams, options: ScopeOptions): { where: string; reasons: string; referralFields: string } {
  // Each actor value becomes one parameter, added on first use, shared by every condition that needs it.
  const once = (value: string) => {
    let placeholder: string | undefined;
    return () => (placeholder ??= p.add(value));
  };
  const ids: ActorParams = { agency: once(actor.agencyId), user: once(actor.userId) };
  const parts = reasonsForRole(actor, options)
    .map((reason) => ({ reason, cond: reasonCondition(reason, ids) }))
    .filter((x): x is { reason: AccessReason; cond: string } => x.cond !== null);
  if (parts.length === 0) return { where: 'FALSE', reasons: `ARRAY[]::text[]`, referralFields: 'NULL::text[]' };
  const referral = parts.some((x) => x.reason === 'REFERRAL')
    ? `(SELECT array_agg(DISTINCT f) FROM referrals r, unnest(r.shared_fields) f WHERE r.case_id = c.id AND r.to_agency_id = ${ids.agency()}::uuid AND r.status = 'ACTIVE')`
    : 'NULL::text[]';
  return {
    where: `(${parts.map((x) => x.cond).join(' OR ')})`,
    reasons: `array_remove(ARRAY[${parts.map((x) => `CASE WHEN ${x.cond} THEN '${x.reason}' END`).join(', ')}]::text[], NULL)`,
    referralFields: referral,
  };
}
