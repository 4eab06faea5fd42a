/** The roles of the API contract (DESIGN.md "Enumerations"). */
export const ROLES = [
  'SYSTEM_ADMIN',
  'CASEWORKER',
  'SUPERVISOR',
  'BORDER_GUARD',
  'POLICE_OFFICER',
  'LEGAL_AID_OFFICER',
  'HEALTH_WORKER',
  'STATISTICIAN',
  'AUDITOR',
] as const;
export type Role = (typeof ROLES)[number];
