import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification and identification requested from the police: while a task is open, the assigned agency's
 * officers reach the case through the VERIFICATION_TASK reason (the fields the registry gives them).
 * Findings are encrypted under the case key.
 */
export class VerificationTasks1764000060000 implements MigrationInterface {
  name = 'VerificationTasks1764000060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verification_tasks (
        id                   uuid        PRIMARY KEY,
        case_id              uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        requesting_agency_id uuid        NOT NULL REFERENCES agencies(id),
        requested_by         uuid        NOT NULL REFERENCES users(id),
        assigned_agency_id   uuid        NOT NULL REFERENCES agencies(id),
        requested_at         timestamptz NOT NULL DEFAULT now(),
        due_on               date        NOT NULL,
        status               text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'COMPLETED', 'CANCELLED')),
        findings_enc         bytea,
        completed_at         timestamptz,
        version              integer     NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX verification_tasks_open_idx ON verification_tasks (assigned_agency_id, case_id) WHERE status = 'OPEN'`);
    await q.query('CREATE INDEX verification_tasks_case_idx ON verification_tasks (case_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE verification_tasks');
  }
}
