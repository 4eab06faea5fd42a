import { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES = ['SYSTEM_ADMIN', 'CASEWORKER', 'SUPERVISOR', 'BORDER_GUARD', 'POLICE_OFFICER', 'LEGAL_AID_OFFICER', 'HEALTH_WORKER', 'STATISTICIAN', 'AUDITOR'];
const AGENCY_TYPES = ['SOCIAL_AFFAIRS', 'POLICE', 'BORDER_GUARD', 'LEGAL_AID', 'HEALTH', 'COMMUNE_PC', 'SHELTER', 'FOREIGN_AFFAIRS', 'STEERING_COMMITTEE'];
// Literal lists on purpose: a migration is a frozen snapshot, it must not change when the app's enums do.
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Agencies, users, login sessions with rotating refresh tokens, and the login throttle.
 * Ids are UUIDv7 made by the application (no uuidv7() in SQL: PostgreSQL 15 must run this too).
 */
export class Identity1764000001000 implements MigrationInterface {
  name = 'Identity1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agencies (
        id            uuid        PRIMARY KEY,
        name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        type          text        NOT NULL CHECK (type IN (${list(AGENCY_TYPES)})),
        province_code varchar(2)  NOT NULL CHECK (province_code ~ '^[0-9]{2}$'),
        commune_code  varchar(5)  CHECK (commune_code ~ '^[0-9]{5}$'),
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX agencies_type_idx ON agencies (type)');

    await q.query(`
      CREATE TABLE users (
        id                   uuid        PRIMARY KEY,
        username             varchar(64) NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
        role                 text        NOT NULL CHECK (role IN (${list(ROLES)})),
        agency_id            uuid        NOT NULL REFERENCES agencies(id),
        password_hash        text        NOT NULL,
        must_change_password boolean     NOT NULL DEFAULT true,
        active               boolean     NOT NULL DEFAULT true,
        token_version        integer     NOT NULL DEFAULT 1,
        password_changed_at  timestamptz NOT NULL DEFAULT now(),
        deactivated_at       timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    // Case-insensitive uniqueness even if a future path forgets to lower-case.
    await q.query('CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))');
    await q.query('CREATE INDEX users_agency_id_idx ON users (agency_id, id)');

    // One row per login (the `sid` claim). Revocation is checked on every request.
    await q.query(`
      CREATE TABLE auth_sessions (
        id                uuid        PRIMARY KEY,
        user_id           uuid        NOT NULL REFERENCES users(id),
        created_at        timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at timestamptz,
        revoked_at        timestamptz,
        revoked_reason    text        CHECK (revoked_reason IN ('LOGOUT', 'REFRESH_REUSE', 'DEACTIVATED', 'PASSWORD_CHANGED', 'PASSWORD_RESET')),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    await q.query('CREATE INDEX auth_sessions_user_open_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL');

    // The refresh-token family of a session: SHA-256 of the secret only; a rotated token reused → reuse.
    await q.query(`
      CREATE TABLE refresh_tokens (
        id          uuid        PRIMARY KEY,
        session_id  uuid        NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
        token_hash  bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        rotated_at  timestamptz,
        replaced_by uuid
      )`);
    await q.query('CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)');

    // Failed-login counters keyed by HMAC(tokenKey, account+address) or HMAC(tokenKey, address):
    // no usernames or IP addresses are stored.
    await q.query(`
      CREATE TABLE login_throttle (
        key_hash        bytea       PRIMARY KEY CHECK (octet_length(key_hash) = 32),
        scope           text        NOT NULL CHECK (scope IN ('ACCOUNT_ADDRESS', 'ADDRESS')),
        failures        integer     NOT NULL CHECK (failures >= 0),
        last_failure_at timestamptz NOT NULL,
        locked_until    timestamptz
      )`);
    await q.query('CREATE INDEX login_throttle_last_failure_at_idx ON login_throttle (last_failure_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['login_throttle', 'refresh_tokens', 'auth_sessions', 'users', 'agencies']) await q.query(`DROP TABLE ${t}`);
  }
}
