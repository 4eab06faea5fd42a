import { ProblemException } from '../common/problem';
import type { Actor } from './actor';

/**
 * Who performs an administrative operation: an authenticated actor (HTTP) or `null` for the local operator
 * (CLI, demo seed), who already holds the database and the keys.
 */
export type Operator = Actor | null;

/** Services check again what the route's @Roles already checked: they are also called from elsewhere. */
export function assertSystemAdmin(by: Operator): void {
  if (by !== null && by.role !== 'SYSTEM_ADMIN') throw ProblemException.forbidden('forbidden', 'Your role may not use this operation.');
}
