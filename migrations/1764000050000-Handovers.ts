import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Border handovers: a foreign authority hands a group over at a border gate. The record and every person on
 * its roll call are kept by the recording border unit (persons encrypted under their own data keys, whatever
 * their screening outcome); each possible victim becomes a case at the receiving social-affairs agency,
 * linked back through cases.source_handover_id (the HANDOVER reason of access).
 */
export class Handovers1764000050000 implements MigrationInterface {
  name = 'Handovers1764000050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE handovers (
        id                    uuid         PRIMARY KEY,
        recorded_by_agency_id uuid         NOT NULL REFERENCES agencies(id),
        recorded_by           uuid         NOT NULL REFERENCES users(id),
        receiving_agency_id   uuid         NOT NULL REFERENCES agencies(id),
        foreign_authority     varchar(200) NOT NULL,
        country               varchar(2)   NOT NULL,
        border_gate           varchar(200) NOT NULL,
        handed_over_at        timestamptz  NOT NULL,
        person_count          integer      NOT NULL,
        officers_enc          bytea        NOT NULL,
        documents_enc         bytea,
        version               integer      NOT NULL DEFAULT 1,
        created_at            timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX handovers_recorded_by_agency_idx ON handovers (recorded_by_agency_id, id DESC)');
    await q.query(`
      CREATE TABLE handover_persons (
        id                      uuid        PRIMARY KEY,
        handover_id             uuid        NOT NULL REFERENCES handovers(id) ON DELETE CASCADE,
        ordinal                 smallint    NOT NULL,
        screening_outcome       text        NOT NULL CHECK (screening_outcome IN ('POSSIBLE_VICTIM', 'NOT_VICTIM', 'OTHER')),
        sex                     text        NOT NULL CHECK (sex IN ('FEMALE','MALE','OTHER','UNKNOWN')),
        nationality             varchar(2)  NOT NULL,
        age_band                text,
        minor_count             smallint    NOT NULL DEFAULT 0,
        case_id                 uuid        REFERENCES cases(id),
        full_name_enc           bytea       NOT NULL,
        date_of_birth_enc       bytea,
        birth_year_enc          bytea,
        id_number_enc           bytea,
        health_on_arrival_enc   bytea,
        non_punishment_note_enc bytea,
        minors_enc              bytea,
        UNIQUE (handover_id, ordinal)
      )`);
    await q.query('ALTER TABLE cases ADD COLUMN source_handover_id uuid REFERENCES handovers(id)');
    await q.query('ALTER TABLE data_keys DROP CONSTRAINT data_keys_owner_type_check');
    await q.query(`ALTER TABLE data_keys ADD CONSTRAINT data_keys_owner_type_check CHECK (owner_type IN ('case', 'person', 'handover', 'handover_person'))`);
    await q.query('CREATE INDEX cases_source_handover_idx ON cases (source_handover_id) WHERE source_handover_id IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE cases DROP COLUMN source_handover_id');
    await q.query('DROP TABLE handover_persons');
    await q.query('DROP TABLE handovers');
  }
}
