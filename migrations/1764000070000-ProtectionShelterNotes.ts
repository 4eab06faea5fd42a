import { MigrationInterface, QueryRunner } from 'typeorm';

const MEASURES = "'CONFIDENTIAL_IDENTITY','CONFIDENTIAL_RESIDENCE','ESCORT','NO_CONTACT_WITH_SUSPECTS','SAFE_ACCOMMODATION','RELOCATION','OTHER'";

/**
 * Protection measures (refusal needs a written commitment), shelter stays (the 120-day limit with
 * extensions) and case notes. Free text is encrypted: under the person's key where it is about one person,
 * under the case key for case notes.
 */
export class ProtectionShelterNotes1764000070000 implements MigrationInterface {
  name = 'ProtectionShelterNotes1764000070000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE protection_measures (
        id                     uuid        PRIMARY KEY,
        case_id                uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        person_id              uuid        NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        type                   text        NOT NULL CHECK (type IN (${MEASURES})),
        decided_by_agency_id   uuid        NOT NULL REFERENCES agencies(id),
        start_date             date        NOT NULL,
        end_date               date,
        refused                boolean     NOT NULL DEFAULT false,
        refusal_commitment_enc bytea,
        note_enc               bytea,
        version                integer     NOT NULL DEFAULT 1,
        created_by             uuid        NOT NULL REFERENCES users(id),
        created_at             timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date IS NULL OR end_date >= start_date),
        CHECK (NOT refused OR refusal_commitment_enc IS NOT NULL)
      )`);
    await q.query('CREATE INDEX protection_measures_case_idx ON protection_measures (case_id)');
    await q.query(`
      CREATE TABLE shelter_stays (
        id                   uuid        PRIMARY KEY,
        case_id              uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        person_id            uuid        NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        facility_agency_id   uuid        NOT NULL REFERENCES agencies(id),
        admitted_on          date        NOT NULL,
        extension_days       integer     NOT NULL DEFAULT 0 CHECK (extension_days BETWEEN 0 AND 365),
        planned_exit_on      date        NOT NULL,
        discharged_on        date,
        extension_reason_enc bytea,
        version              integer     NOT NULL DEFAULT 1,
        created_by           uuid        NOT NULL REFERENCES users(id),
        created_at           timestamptz NOT NULL DEFAULT now(),
        CHECK (discharged_on IS NULL OR discharged_on >= admitted_on)
      )`);
    await q.query('CREATE INDEX shelter_stays_case_idx ON shelter_stays (case_id)');
    await q.query('CREATE INDEX shelter_stays_open_idx ON shelter_stays (planned_exit_on) WHERE discharged_on IS NULL');
    await q.query(`
      CREATE TABLE case_notes (
        id          uuid        PRIMARY KEY,
        case_id     uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        person_id   uuid,
        created_by  uuid        NOT NULL REFERENCES users(id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        version     integer     NOT NULL DEFAULT 1,
        body_enc    bytea       NOT NULL
      )`);
    await q.query('CREATE INDEX case_notes_case_idx ON case_notes (case_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['case_notes', 'shelter_stays', 'protection_measures']) await q.query(`DROP TABLE ${t}`);
  }
}
