import type { FieldSpec } from './field-registry';

/**
 * Builds a response object from a database row, keeping only `permitted` fields (deny by default) and
 * taking encrypted values from `decrypted`. Fields the caller may not see are omitted, never null/masked.
 */
export function mapRecord<F extends string>(
  fields: Record<F, FieldSpec>,
  permitted: (field: F) => boolean,
  row: Record<string, unknown>,
  decrypted: Partial<Record<F, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(fields) as F[]) {
    if (!permitted(name)) continue;
    const spec = fields[name];
    if (spec.encrypted) {
      out[name] = decrypted[name] ?? null;
      continue;
    }
    const value = row[spec.column];
    if (value instanceof Date) out[name] = spec.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
    else out[name] = value ?? null;
  }
  return out;
}
