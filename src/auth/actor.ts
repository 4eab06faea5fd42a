import type { AgencyType } from '../agencies/agency-types';
import type { Role } from '../access/roles';

/**
 * Who is acting. Built by the auth guard from a verified token plus the user's current row, and passed
 * explicitly into every service call (no hidden globals).
 */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  agencyId: string;
  agencyType: AgencyType;
  provinceCode: string;
  sessionId: string;
  /** Request id, carried into audit events. */
  requestId: string;
}
