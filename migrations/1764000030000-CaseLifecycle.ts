import { MigrationInterface, QueryRunner } from 'typeorm';

const STAGES = "'RECEIVED','INITIAL_VERIFICATION','IN_IDENTIFICATION','IDENTIFIED_VICTIM','NOT_VICTIM','SUPPORT','REINTEGRATION','CLOSED','CLOSED_REFERRED'";

/**
 * The stage machine's state and history: each case records the rules version it was opened under (deadlines
 * and entitlements never change retroactively), when it entered its stage, and the identification outcome;
 * every transition is a row whose reason and decision are encrypted under the case key.
 */
export class CaseLifecycle1764000030000 implements MigrationInterface {
  name = 'CaseLifecycle1764000030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN rules_version text NOT NULL DEFAULT 'law-53-2024-v1'`);
    await q.query(`ALTER TABLE cases ADD COLUMN stage_changed_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE cases ADD COLUMN identification_outcome text CHECK (identification_outcome IN ('IDENTIFIED_VICTIM', 'NOT_VICTIM'))`);
    await q.query(`ALTER TABLE cases ADD CONSTRAINT cases_stage_check CHECK (stage IN (${STAGES}))`);
    await q.query('CREATE INDEX cases_stage_changed_idx ON cases (stage, stage_changed_at)');
    await q.query(`
      CREATE TABLE case_transitions (
        id                     uuid        PRIMARY KEY,
        case_id                uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        from_stage             text        NOT NULL CHECK (from_stage IN (${STAGES})),
        to_stage               text        NOT NULL CHECK (to_stage IN (${STAGES})),
        actor_user_id          uuid        NOT NULL REFERENCES users(id),
        actor_agency_id        uuid        NOT NULL REFERENCES agencies(id),
        reason_enc             bytea,
        decision_enc           bytea,
        decision_document_type text,
        occurred_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX case_transitions_case_idx ON case_transitions (case_id, occurred_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_transitions');
    await q.query('ALTER TABLE cases DROP CONSTRAINT cases_stage_check');
    for (const c of ['identification_outcome', 'stage_changed_at', 'rules_version']) await q.query(`ALTER TABLE cases DROP COLUMN ${c}`);
  }
}
