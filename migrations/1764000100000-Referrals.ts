import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals between agencies under a recorded consent (victim, or guardian for a minor) naming the receiving
 * agency, the purpose and the fields shared. While a referral is ACTIVE the receiving agency reaches the case
 * through the REFERRAL reason — only the shared fields; withdrawing consent ends the access at once.
 */
export class Referrals1764000100000 implements MigrationInterface {
  name = 'Referrals1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referrals (
        id                 uuid        PRIMARY KEY,
        case_id            uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        from_agency_id     uuid        NOT NULL REFERENCES agencies(id),
        to_agency_id       uuid        NOT NULL REFERENCES agencies(id),
        purpose            text        NOT NULL CHECK (purpose IN ('LEGAL_AID', 'HEALTH_CARE', 'PSYCHOLOGICAL_CARE')),
        shared_fields      text[]      NOT NULL,
        consent_given_by   text        NOT NULL CHECK (consent_given_by IN ('VICTIM', 'GUARDIAN')),
        consent_recorded_on date       NOT NULL,
        consent_note_enc   bytea,
        status             text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ENDED', 'CONSENT_WITHDRAWN')),
        created_by         uuid        NOT NULL REFERENCES users(id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        ended_at           timestamptz,
        version            integer     NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX referrals_active_idx ON referrals (to_agency_id, case_id) WHERE status = 'ACTIVE'`);
    await q.query('CREATE INDEX referrals_case_idx ON referrals (case_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE referrals');
  }
}
