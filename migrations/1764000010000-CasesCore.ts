import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case aggregate of the privacy core: cases, persons (victim, accompanying minors), their wrapped data
 * keys, blind indexes, case-number counters and the idempotency store.
 * Personal and sensitive values exist only as AES-256-GCM ciphertexts (`*_enc bytea`); the plaintext columns
 * are the registry's STAT fields.
 */
export class CasesCore1764000010000 implements MigrationInterface {
  name = 'CasesCore1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_keys (
        owner_id    uuid        PRIMARY KEY,
        owner_type  text        NOT NULL CHECK (owner_type IN ('case', 'person')),
        kek_version integer     NOT NULL,
        wrapped     bytea       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX data_keys_kek_version_idx ON data_keys (kek_version)');

    await q.query(`
      CREATE TABLE case_counters (
        province_code varchar(2)  NOT NULL,
        year          smallint NOT NULL,
        last_value    integer  NOT NULL,
        PRIMARY KEY (province_code, year)
      )`);

    await q.query(`
      CREATE TABLE cases (
        id                  uuid        PRIMARY KEY,
        case_number         text        NOT NULL UNIQUE,
        owner_agency_id     uuid        NOT NULL REFERENCES agencies(id),
        province_code       varchar(2)     NOT NULL,
        commune_code        varchar(5),
        channel             text        NOT NULL CHECK (channel IN ('HOTLINE_111','SELF_REPORT','FAMILY_COMMUNITY','RESCUE','FOREIGN_HANDOVER','CONSULAR_RETURN','AGENCY_REFERRAL')),
        received_at         timestamptz NOT NULL,
        stage               text        NOT NULL DEFAULT 'RECEIVED',
        assigned_user_id    uuid        REFERENCES users(id),
        exploitation_forms  text[]      NOT NULL DEFAULT '{}',
        destination_country varchar(2),
        summary_enc         bytea,
        version             integer     NOT NULL DEFAULT 1,
        created_by          uuid        NOT NULL REFERENCES users(id),
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    // Scope predicate (owner agency / assignee) and keyset pagination by id (UUIDv7 = time ordered).
    await q.query('CREATE INDEX cases_owner_agency_id_idx ON cases (owner_agency_id, id DESC)');
    await q.query('CREATE INDEX cases_assigned_user_id_idx ON cases (assigned_user_id, id DESC) WHERE assigned_user_id IS NOT NULL');
    await q.query('CREATE INDEX cases_province_received_idx ON cases (province_code, received_at)');

    await q.query(`
      CREATE TABLE persons (
        id                uuid        PRIMARY KEY,
        case_id           uuid        NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        kind              text        NOT NULL CHECK (kind IN ('VICTIM', 'ACCOMPANYING_MINOR')),
        ordinal           smallint    NOT NULL,
        relation          text,
        sex               text        NOT NULL CHECK (sex IN ('FEMALE','MALE','OTHER','UNKNOWN')),
        nationality       varchar(2)     NOT NULL,
        location          text        CHECK (location IN ('IN_VIETNAM','ABROAD')),
        age_band          text,
        full_name_enc     bytea       NOT NULL,
        date_of_birth_enc bytea,
        birth_year_enc    bytea,
        id_number_enc     bytea,
        phone_enc         bytea,
        address_enc       bytea,
        ethnicity_enc     bytea,
        narrative_enc     bytea,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_id, kind, ordinal)
      )`);
    await q.query(`CREATE UNIQUE INDEX persons_one_victim_per_case ON persons (case_id) WHERE kind = 'VICTIM'`);

    // Truncated HMACs of normalised values: many people share each value by design (see README).
    await q.query(`
      CREATE TABLE person_blind_indexes (
        person_id uuid     NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        case_id   uuid     NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        kind      text     NOT NULL CHECK (kind IN ('name', 'name_birth_year', 'id_number', 'phone')),
        value     integer  NOT NULL,
        PRIMARY KEY (person_id, kind)
      )`);
    await q.query('CREATE INDEX person_blind_indexes_lookup_idx ON person_blind_indexes (kind, value)');

    // Ids and a keyed hash of the request only — never a response body with personal data.
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id       uuid        NOT NULL,
        key           varchar(128) NOT NULL,
        operation     text        NOT NULL,
        request_hash  bytea       NOT NULL,
        resource_id   uuid        NOT NULL,
        status_code   smallint    NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['idempotency_keys', 'person_blind_indexes', 'persons', 'cases', 'case_counters', 'data_keys']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
