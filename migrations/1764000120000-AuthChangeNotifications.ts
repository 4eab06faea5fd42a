import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells every app instance at once when what the auth guard checks changes (src/auth/actor-cache.ts):
 * any UPDATE/DELETE of a user or a session sends NOTIFY vcm_auth_changed with the user's id; a change to
 * agencies (type, province) or a TRUNCATE sends '*'. Triggers, not application code, so a change from the
 * CLI, another instance or an operator's SQL is announced too. NOTIFY is transactional: listeners hear it
 * when (and only if) the change commits.
 */
export class AuthChangeNotifications1764000120000 implements MigrationInterface {
  name = 'AuthChangeNotifications1764000120000';

  async up(q: QueryRunner): Promise<void> {
    // One function: the row triggers pass the column holding the user id (users.id, auth_sessions.user_id); the
    // statement triggers pass nothing and announce '*'. OLD is read through to_jsonb so the column is named by data.
    await q.query(`
      CREATE FUNCTION auth_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_NARGS = 0 THEN
          PERFORM pg_notify('vcm_auth_changed', '*');
        ELSE
          PERFORM pg_notify('vcm_auth_changed', to_jsonb(OLD) ->> TG_ARGV[0]);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION auth_notify_change('id')`);
    await q.query(`CREATE TRIGGER auth_sessions_auth_changed AFTER UPDATE OR DELETE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION auth_notify_change('user_id')`);
    await q.query('CREATE TRIGGER agencies_auth_changed AFTER UPDATE OR DELETE ON agencies FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_change()');
    for (const t of ['users', 'auth_sessions', 'agencies']) {
      await q.query(`CREATE TRIGGER ${t}_auth_truncated AFTER TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['users', 'auth_sessions', 'agencies']) await q.query(`DROP TRIGGER ${t}_auth_truncated ON ${t}`);
    await q.query('DROP TRIGGER agencies_auth_changed ON agencies');
    await q.query('DROP TRIGGER auth_sessions_auth_changed ON auth_sessions');
    await q.query('DROP TRIGGER users_auth_changed ON users');
    await q.query('DROP FUNCTION auth_notify_change()');
  }
}
