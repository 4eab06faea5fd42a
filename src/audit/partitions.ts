import type { Exec } from './append-protocol';

/** Months ahead the app keeps partitioned at startup and daily (the first migration made 36). */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * Creates the missing monthly partitions from this month on, through the database's own SECURITY DEFINER
 * function (migration AuditPartitionMaintenance): the restricted app role may run it but cannot create or
 * alter tables itself. Returns how many were created.
 */
export async function ensurePartitions(exec: Exec, monthsAhead = PARTITION_MONTHS_AHEAD): Promise<number> {
  const [row] = (await exec('SELECT audit_ensure_partitions($1) AS created', [monthsAhead])) as Array<{ created: number }>;
  return Number(row.created);
}
