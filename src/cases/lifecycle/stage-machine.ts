import type { Role } from '../../access/roles';
import type { Stage } from '../case-enums';

/** What a transition needs besides being allowed. */
export type Requirement = 'decision' | 'reason';

interface Edge {
  to: Stage;
  roles: Role[];
  requires?: Requirement[];
}

const CASE_STAFF: Role[] = ['CASEWORKER', 'SUPERVISOR'];
const DECIDERS: Role[] = ['SUPERVISOR', 'POLICE_OFFICER'];
const SUPERVISOR: Role[] = ['SUPERVISOR'];
const decided = (to: Stage): Edge => ({ to, roles: DECIDERS, requires: ['decision'] });
const closing = (to: Stage): Edge => ({ to, roles: SUPERVISOR, requires: ['reason'] });
const reopen = (to: Stage): Edge => ({ to, roles: SUPERVISOR, requires: ['reason'] });

/**
 * The stage machine of a case under the 2024 law. Protection and support may start at reception: a person
 * being identified is protected too. An identification outcome needs the decision (document, issuer, number,
 * date, evidence); closing and reopening need a supervisor and a reason.
 */
export const STAGE_MACHINE: Record<Stage, Edge[]> = {
  RECEIVED: [{ to: 'INITIAL_VERIFICATION', roles: CASE_STAFF }, { to: 'SUPPORT', roles: CASE_STAFF }, decided('IDENTIFIED_VICTIM'), decided('NOT_VICTIM'), closing('CLOSED_REFERRED')],
  INITIAL_VERIFICATION: [{ to: 'IN_IDENTIFICATION', roles: [...CASE_STAFF, 'POLICE_OFFICER'] }, { to: 'SUPPORT', roles: CASE_STAFF }, decided('IDENTIFIED_VICTIM'), decided('NOT_VICTIM'), closing('CLOSED_REFERRED')],
  IN_IDENTIFICATION: [decided('IDENTIFIED_VICTIM'), decided('NOT_VICTIM'), { to: 'SUPPORT', roles: CASE_STAFF }],
  IDENTIFIED_VICTIM: [{ to: 'SUPPORT', roles: CASE_STAFF }, { to: 'REINTEGRATION', roles: CASE_STAFF }, closing('CLOSED_REFERRED')],
  NOT_VICTIM: [closing('CLOSED'), closing('CLOSED_REFERRED')],
  SUPPORT: [{ to: 'IN_IDENTIFICATION', roles: [...CASE_STAFF, 'POLICE_OFFICER'] }, decided('IDENTIFIED_VICTIM'), decided('NOT_VICTIM'), { to: 'REINTEGRATION', roles: CASE_STAFF }, closing('CLOSED_REFERRED')],
  REINTEGRATION: [closing('CLOSED'), closing('CLOSED_REFERRED')],
  CLOSED: [reopen('SUPPORT'), reopen('REINTEGRATION')],
  CLOSED_REFERRED: [reopen('SUPPORT'), reopen('REINTEGRATION')],
};

/** The transitions `role` may make from `from`. */
export function allowedTransitions(from: Stage, role: Role): Stage[] {
  return STAGE_MACHINE[from].filter((e) => e.roles.includes(role)).map((e) => e.to);
}

export function findTransition(from: Stage, to: Stage, role: Role): Edge | undefined {
  return STAGE_MACHINE[from].find((e) => e.to === to && e.roles.includes(role));
}
