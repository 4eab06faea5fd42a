import { MigrationInterface, QueryRunner } from 'typeorm';

/** Relatives and contacts are persons of the case too (kind RELATIVE), under their own data keys. */
export class Relatives1764000080000 implements MigrationInterface {
  name = 'Relatives1764000080000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE persons DROP CONSTRAINT persons_kind_check');
    await q.query(`ALTER TABLE persons ADD CONSTRAINT persons_kind_check CHECK (kind IN ('VICTIM', 'ACCOMPANYING_MINOR', 'RELATIVE'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM persons WHERE kind = 'RELATIVE'`);
    await q.query('ALTER TABLE persons DROP CONSTRAINT persons_kind_check');
    await q.query(`ALTER TABLE persons ADD CONSTRAINT persons_kind_check CHECK (kind IN ('VICTIM', 'ACCOMPANYING_MINOR'))`);
  }
}
