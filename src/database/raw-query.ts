import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** Distinct statements kept prepared; the hot path has a handful (one per role's scope predicate, …). */
const MAX_PREPARED = 256;
/** "cached plan must not change result type": a prepared `SELECT c.*` after a column was added. */
const PLAN_CHANGED = '0A000';

/**
 * The hot read path (auth guard, case reads) talks to TypeORM's own pg pool directly: the same connections
 * and settings, without a QueryRunner per statement (TOOLCHAIN.md: ~37 % less CPU for the same SQL).
 * Writes keep using TypeORM transactions.
 *
 * Statements are PREPARED (named by a hash of their text, so each connection parses and plans a statement
 * once and then only binds values): in the benchmark this took PostgreSQL's CPU per case read from ≈ 1.8 to
 * ≈ 1.1 ms. Only parameterised SQL of a bounded set of shapes comes here — never values spliced into text.
 *
 * They are planned GENERICALLY (the pool's connections set plan_cache_mode = force_generic_plan, which only
 * named statements obey): these are key lookups whose best plan does not depend on the values, and
 * PostgreSQL's "custom plan while it looks cheaper" heuristic re-planned some of them on every execution —
 * the duplicate check cost ≈ 10 ms of server CPU per call planned that way vs ≈ 1.6 ms generic (1M cases).
 */
export function rawQuery(db: DataSource): <T = any>(sql: string, params?: unknown[]) => Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (!name && names.size < MAX_PREPARED) {
      name = `vcm_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
      names.set(sql, name);
    }
    return name;
  };
  return async (sql, params) => {
    const query = { name: nameOf(sql), text: sql, values: params as unknown[] };
    try {
      return (await pool.query(query)).rows;
    } catch (e) {
      // The pool has discarded the connection whose statement went stale (each stale one fails once and is
      // replaced); this one attempt goes unprepared, which cannot be stale.
      if ((e as { code?: string }).code !== PLAN_CHANGED) throw e;
      return (await pool.query(sql, params as unknown[])).rows;
    }
  };
}

/**
 * One statement on the same pool, unprepared: for writes that are a whole transaction in one statement (a
 * reception), whose text varies with the fields given — they would only fill the prepared-statement cache.
 */
export function rawStatement(db: DataSource): <T = any>(sql: string, params?: unknown[]) => Promise<T[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  return async (sql, params) => (await pool.query(sql, params as unknown[])).rows;
}
