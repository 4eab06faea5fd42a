import type { Role } from '../access/roles';
import type { AgencyType } from '../agencies/agency-types';

/**
 * Which agency types a role may belong to. A role's powers (e.g. a border guard recording handovers) only
 * make sense in the matching kind of agency; `null` = any agency.
 */
export const ROLE_AGENCY_TYPES: Record<Role, readonly AgencyType[] | null> = {
  SYSTEM_ADMIN: null,
  AUDITOR: null,
  CASEWORKER: ['SOCIAL_AFFAIRS', 'SHELTER', 'HEALTH'],
  SUPERVISOR: ['SOCIAL_AFFAIRS', 'SHELTER', 'HEALTH'],
  BORDER_GUARD: ['BORDER_GUARD'],
  POLICE_OFFICER: ['POLICE'],
  LEGAL_AID_OFFICER: ['LEGAL_AID'],
  HEALTH_WORKER: ['HEALTH'],
  STATISTICIAN: ['STEERING_COMMITTEE', 'POLICE'],
};

export function roleFitsAgency(role: Role, type: AgencyType): boolean {
  const allowed = ROLE_AGENCY_TYPES[role] as readonly AgencyType[] | null | undefined;
  if (allowed === undefined) return false; // not a role at all
  return allowed === null || allowed.includes(type);
}
