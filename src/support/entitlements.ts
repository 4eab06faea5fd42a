import type { PersonStatus, LifecycleRules } from '../cases/lifecycle/lifecycle-rules';
import type { SupportType } from '../reference/reference-data';

export interface EntitlementPerson {
  kind: 'VICTIM' | 'ACCOMPANYING_MINOR';
  nationality: string;
  location: 'IN_VIETNAM' | 'ABROAD' | null;
}

export type EntitlementStatus = PersonStatus | 'NOT_VICTIM';

/** Vietnamese citizens and stateless residents (XX) are treated alike by Article 37. */
const isForeign = (nationality: string) => nationality !== 'VN' && nationality !== 'XX';

/**
 * Who a person is for Article 37, from the case's identification outcome and the person's STAT fields only
 * (no personal data is needed to compute an entitlement).
 */
export function entitlementStatus(person: EntitlementPerson, outcome: string | null, victimLocation: EntitlementPerson['location']): EntitlementStatus {
  if (outcome === 'NOT_VICTIM') return 'NOT_VICTIM';
  if (isForeign(person.nationality)) return 'FOREIGN_NATIONAL';
  if (outcome === 'IDENTIFIED_VICTIM') return person.kind === 'VICTIM' ? 'IDENTIFIED_VICTIM' : 'ACCOMPANYING_MINOR_OF_VICTIM';
  // Not yet identified: a person being identified (and the children with them) — where they are decides.
  const location = person.location ?? victimLocation ?? 'IN_VIETNAM';
  return location === 'ABROAD' ? 'BEING_IDENTIFIED_ABROAD' : 'BEING_IDENTIFIED_IN_VIETNAM';
}

export function entitledTo(status: EntitlementStatus, rules: LifecycleRules): SupportType[] {
  return status === 'NOT_VICTIM' ? [] : [...rules.entitlements[status]];
}

/** Support types decided on application within a number of working days (schooling, vocational, hardship). */
export const APPLICATION_TYPES: ReadonlySet<SupportType> = new Set(['SCHOOLING', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE']);

/** Support types that pay money: the amount in VND is required. */
export const MONEY_TYPES: ReadonlySet<SupportType> = new Set(['HARDSHIP_ALLOWANCE', 'LOAN', 'TRAVEL_COSTS']);
