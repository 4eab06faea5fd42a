import type { BlindIndexKind } from '../crypto';

/**
 * What a duplicate check may say about a person in a case OUTSIDE the caller's scope: only that a possible match
 * exists at the owning agency, and only when name + birth year AND an independent identifier (ID number or
 * phone) agree — a common name and year alone are shared by many people, and the check is an oracle for "is this
 * person a victim anywhere".
 *
 * Declared once, used twice: as a SQL condition over a candidate's blind-index hits (candidates that could never
 * be revealed are dropped before their rows are read), and over what really matched after decryption (the
 * decision).
 */
const REQUIRED: BlindIndexKind = 'name_birth_year';
const ONE_OF: readonly BlindIndexKind[] = ['id_number', 'phone'];

export function revealsOutOfScope(matched: readonly string[]): boolean {
  return matched.includes(REQUIRED) && ONE_OF.some((k) => matched.includes(k));
}

/** The same rule over a `text[]` SQL expression of blind-index kinds (constants only, no caller input). */
export function revealsOutOfScopeSql(kinds: string): string {
  return `('${REQUIRED}' = ANY (${kinds}) AND (${ONE_OF.map((k) => `'${k}' = ANY (${kinds})`).join(' OR ')}))`;
}
