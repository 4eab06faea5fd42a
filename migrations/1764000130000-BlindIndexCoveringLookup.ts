import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duplicate check's lookups by blind-index value become index-only scans: the (kind, value) index now also
 * carries person_id and case_id, so finding the candidates and checking which of them share the name index no
 * longer reads a heap page per candidate. Measured on the 1M benchmark database: ≈ 510 → ≈ 310 buffers per
 * check (bench/README.md, session 4). It replaces the plain (kind, value) index rather than adding a second one
 * to every insert. Index-only scans rely on the visibility map, which autovacuum keeps current on this
 * insert-mostly table.
 *
 * The build takes a write lock on person_blind_indexes for its duration (≈ 10 s at 1M cases on 2 cores): run it
 * in a maintenance window on a large database.
 */
export class BlindIndexCoveringLookup1764000130000 implements MigrationInterface {
  name = 'BlindIndexCoveringLookup1764000130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX person_blind_indexes_lookup_cover_idx ON person_blind_indexes (kind, value) INCLUDE (person_id, case_id)');
    await q.query('DROP INDEX person_blind_indexes_lookup_idx');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX person_blind_indexes_lookup_idx ON person_blind_indexes (kind, value)');
    await q.query('DROP INDEX person_blind_indexes_lookup_cover_idx');
  }
}
