import { ActorCacheService } from '../src/auth/actor-cache';
import { createTestApp, TestApp } from './support/app';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

/**
 * The auth guard's cache (src/auth/actor-cache.ts) must never let a revoked session or a deactivated user
 * through for longer than it takes the database's notification to arrive — whoever made the change. The TTL
 * here is a minute, so passing these tests proves the notifications, not the TTL, do the work.
 */
describe('auth cache: changes made outside this process take effect within the notification latency', () => {
  let t: TestApp;
  let admin: TestUser;
  let agencyId: string;
  const me = (token: string) => t.http().get('/api/v1/users').set(bearer(token));
  const listener = () => t.app.get(ActorCacheService);

  /** Polls until `status` answers, for at most `ms`; returns how long it took. */
  async function within(ms: number, token: string, status: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      if ((await me(token)).status === status) return Date.now() - started;
      if (Date.now() - started > ms) throw new Error(`still not ${status} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async function waitUntilListening(): Promise<void> {
    for (let i = 0; i < 300 && !listener().active; i++) await new Promise((r) => setTimeout(r, 10));
    expect(listener().active).toBe(true);
  }

  beforeAll(async () => {
    t = await createTestApp({ AUTH_CACHE_TTL_MS: '60000' });
    agencyId = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    admin = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId });
    await waitUntilListening();
  });
  afterAll(() => t?.close());

  it('a session revoked by SQL (another instance, an operator) is refused within a second', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId });
    await me(user.token).expect(200);
    await me(user.token).expect(200); // now cached
    await t.sql(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'LOGOUT' WHERE user_id = $1`, [user.userId]);
    expect(await within(1000, user.token, 401)).toBeLessThan(1000);
  });

  it('a user deactivated by SQL is refused within a second; an agency change drops every cached actor', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId });
    await me(user.token).expect(200);
    await t.sql('UPDATE users SET active = false WHERE id = $1', [user.userId]);
    expect(await within(1000, user.token, 401)).toBeLessThan(1000);

    // An agency change announces '*': every cached actor is read again. Proven with a user deactivated in the
    // same transaction with its own trigger suppressed (replica mode), so only the agency's notification fires.
    const other = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId });
    await me(other.token).expect(200); // cached
    await t.sql(`BEGIN;
      SET LOCAL session_replication_role = replica;
      UPDATE users SET active = false WHERE id = '${other.userId}';
      SET LOCAL session_replication_role = origin;
      UPDATE agencies SET name = name WHERE id = '${agencyId}';
      COMMIT`);
    expect(await within(1000, other.token, 401)).toBeLessThan(1000);
    await me(admin.token).expect(200);
  });

  it('when the listener connection dies the cache is off at once (every request reads the database), and it comes back', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId });
    await me(user.token).expect(200);
    const killed = await t.sql(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'vcm-auth-listener' AND datname = current_database()`);
    expect(killed).toEqual([{ ok: true }]);
    for (let i = 0; i < 200 && listener().active; i++) await new Promise((r) => setTimeout(r, 5));
    expect(listener().active).toBe(false);
    await waitUntilListening(); // reconnected with backoff
    await me(user.token).expect(200);
    await t.sql(`UPDATE users SET active = false WHERE id = $1`, [user.userId]);
    expect(await within(1000, user.token, 401)).toBeLessThan(1000);
  });
});
