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
    // One function per table: a plpgsql expression naming OLD.user_id fails on a users row even in a branch not taken.
    await q.query(`
      CREATE FUNCTION auth_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('vcm_auth_changed', OLD.id::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION auth_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('vcm_auth_changed', OLD.user_id::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION auth_notify_all_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('vcm_auth_changed', '*');
        RETURN NULL;
      END $$`);
    await q.query('CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION auth_notify_user_change()');
    await q.query('CREATE TRIGGER auth_sessions_auth_changed AFTER UPDATE OR DELETE ON auth_sessions FOR EACH ROW EXECUTE FUNCTION auth_notify_session_change()');
    await q.query('CREATE TRIGGER agencies_auth_changed AFTER UPDATE OR DELETE ON agencies FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_all_change()');
    for (const t of ['users', 'auth_sessions', 'agencies']) {
      await q.query(`CREATE TRIGGER ${t}_auth_truncated AFTER TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION auth_notify_all_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['users', 'auth_sessions', 'agencies']) await q.query(`DROP TRIGGER ${t}_auth_truncated ON ${t}`);
    await q.query('DROP TRIGGER agencies_auth_changed ON agencies');
    await q.query('DROP TRIGGER auth_sessions_auth_changed ON auth_sessions');
    await q.query('DROP TRIGGER users_auth_changed ON users');
    await q.query('DROP FUNCTION auth_notify_all_change()');
    await q.query('DROP FUNCTION auth_notify_session_change()');
    await q.query('DROP FUNCTION auth_notify_user_change()');
  }
}
