import { MigrationInterface, QueryRunner } from 'typeorm';

const TYPES = "'ESSENTIAL_NEEDS','MEDICAL','INTERPRETATION','LEGAL_SUPPORT','LEGAL_AID','TRAVEL_COSTS','PSYCHOLOGICAL','SCHOOLING','VOCATIONAL_TRAINING','HARDSHIP_ALLOWANCE','LOAN'";

/**
 * Article 37 support delivered per person. Type, status, provider, dates and amounts are STAT (they feed the
 * "100 % of victims access the support they are entitled to" indicator); the note is encrypted under the
 * person's data key. Applications (schooling, vocational training, hardship allowance) carry their
 * submission date and the decision due date computed with the case's rules version.
 */
export class SupportServices1764000040000 implements MigrationInterface {
  name = 'SupportServices1764000040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE support_services (
        id                    uuid        PRIMARY KEY,
        case_id               uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        person_id             uuid        NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        type                  text        NOT NULL CHECK (type IN (${TYPES})),
        status                text        NOT NULL CHECK (status IN ('PLANNED', 'IN_PROGRESS', 'DELIVERED', 'DECLINED')),
        provider_agency_id    uuid        NOT NULL REFERENCES agencies(id),
        start_date            date        NOT NULL,
        end_date              date,
        amount_vnd            bigint      CHECK (amount_vnd >= 0),
        legal_basis           varchar(200),
        note_enc              bytea,
        application_submitted_on date,
        decision_due_on       date,
        version               integer     NOT NULL DEFAULT 1,
        created_by            uuid        NOT NULL REFERENCES users(id),
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date IS NULL OR end_date >= start_date)
      )`);
    await q.query('CREATE INDEX support_services_case_idx ON support_services (case_id, person_id)');
    await q.query(`CREATE INDEX support_services_due_idx ON support_services (decision_due_on) WHERE status IN ('PLANNED', 'IN_PROGRESS') AND decision_due_on IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE support_services');
  }
}
