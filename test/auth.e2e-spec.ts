import { createHmac } from 'node:crypto';
import { createTestApp, TestApp } from './support/app';
import { bearer, createAdmin, createAgency, createUserAndLogin, TestUser } from './support/identity';

const b64url = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
function hs(alg: 'HS256' | 'HS512', payload: object, key: Buffer): string {
  const head = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}`;
  const sig = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', key).update(head).digest();
  return `${head}.${b64url(sig)}`;
}
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('auth: login, tokens, sessions, one-time passwords', () => {
  let t: TestApp;
  let admin: TestUser;
  let saId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    saId = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
  });
  afterAll(() => t?.close());

  const login = (username: string, password: string) => t.http().post('/api/v1/auth/login').send({ username, password });
  const adminOnly = (token: string) => t.http().get('/api/v1/users').set(bearer(token));

  it('GET /health answers 200 without a token', async () => {
    await t.http().get('/health').expect(200);
  });

  it('logs in with the contract shape; usernames are case-insensitive', async () => {
    const user = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: saId });
    const res = await login(user.username.toUpperCase(), user.password).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'mustChangePassword', 'refreshToken']);
    expect(res.body.expiresIn).toBe(t.config.ACCESS_TOKEN_TTL_SECONDS);
    expect(res.body.mustChangePassword).toBe(false);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.refreshToken).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const claims = claimsOf(res.body.accessToken);
    expect(claims).toMatchObject({ sub: user.userId, tv: 1 });
    expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp - claims.iat).toBe(t.config.ACCESS_TOKEN_TTL_SECONDS);
    // The session, its first refresh token and the login's audit event (in the chain) exist when the token is answered.
    expect(await t.sql(`SELECT user_id FROM auth_sessions WHERE id = $1`, [claims.sid])).toEqual([{ user_id: user.userId }]);
    expect(await t.sql(`SELECT session_id FROM refresh_tokens WHERE id = $1`, [res.body.refreshToken.split('.')[0]])).toEqual([{ session_id: claims.sid }]);
    expect(await t.sql(`SELECT outcome, actor_user_id FROM audit_events WHERE action = 'auth.login' AND resource_id = $1`, [claims.sid])).toEqual([
      { outcome: 'SUCCESS', actor_user_id: user.userId },
    ]);
    // Only the hash of the refresh secret is stored.
    const secret = res.body.refreshToken.split('.')[1];
    const rows = await t.sql(`SELECT encode(token_hash, 'hex') AS h FROM refresh_tokens`);
    expect(JSON.stringify(rows)).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('answers an unknown user and a wrong password with the same 401 problem', async () => {
    const user = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: saId });
    const wrong = await login(user.username, 'not-the-password-1').expect(401);
    const unknown = await login('nobody.here', 'not-the-password-1').expect(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(wrong.body.type).toMatch(/\/invalid-credentials$/);
    expect(JSON.stringify(wrong.body)).not.toContain(user.username);
  });

  it('validates the login body as problem+json naming the field', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ username: 'someone' }).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('password');
  });

  describe('access tokens', () => {
    let user: TestUser;
    beforeAll(async () => (user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId })));

    it('accepts the issued token and rejects a missing one', async () => {
      await adminOnly(user.token).expect(200);
      const res = await t.http().get('/api/v1/users').expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('rejects a tampered, alg-none, expired, wrong-key and non-HS256 token with 401', async () => {
      const claims = claimsOf(user.token);
      const [h, , s] = user.token.split('.');
      const tampered = `${h}.${b64url({ ...claims, sub: admin.userId })}.${s}`;
      const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
      const now = Math.floor(Date.now() / 1000);
      const expired = hs('HS256', { ...claims, iat: now - 3600, exp: now - 60 }, t.keyring.tokenKey);
      const wrongKey = hs('HS256', claims, Buffer.alloc(32, 7));
      const hs512 = hs('HS512', claims, t.keyring.tokenKey);
      const resigned = hs('HS256', claims, t.keyring.tokenKey);
      for (const token of [tampered, none, expired, wrongKey, hs512, 'garbage']) {
        const res = await adminOnly(token).expect(401);
        expect(res.body.type).toMatch(/\/invalid-token$/);
      }
      await adminOnly(resigned).expect(200); // control: the same claims correctly signed are accepted
    });
  });

  describe('refresh tokens', () => {
    it('rotates: each refresh token works once and returns a new pair', async () => {
      const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId });
      const first = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);
      expect(claimsOf(first.body.accessToken).sid).toBe(claimsOf(user.token).sid);
      const second = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
      await adminOnly(second.body.accessToken).expect(200);
    });

    it('reuse of a rotated token revokes the whole session (new refresh and access tokens too)', async () => {
      const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId });
      const rotated = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      expect(reuse.headers['content-type']).toContain('application/problem+json');
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }).expect(401);
      await adminOnly(rotated.body.accessToken).expect(401);
      await adminOnly(user.token).expect(401);
      const [s] = await t.sql('SELECT revoked_reason FROM auth_sessions WHERE id = $1', [claimsOf(user.token).sid]);
      expect(s.revoked_reason).toBe('REFRESH_REUSE');
      // Logging in again starts a fresh session.
      await login(user.username, user.password).expect(200);
    });

    it('rejects forged and malformed refresh tokens', async () => {
      const user = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: saId });
      const [id] = user.refreshToken.split('.');
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: `${id}.${'A'.repeat(43)}` }).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: 'nonsense' }).expect(401);
      // A wrong secret does not burn the real token.
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    });
  });

  it('logout revokes the session at once (access and refresh)', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId });
    await t.http().post('/api/v1/auth/logout').set(bearer(user.token)).expect(204);
    await adminOnly(user.token).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
  });

  describe('one-time passwords', () => {
    it('allow only /auth/password and /auth/logout until changed; then everything works', async () => {
      const created = await t.http().post('/api/v1/users').set(bearer(admin.token)).send({ username: 'otp.admin', role: 'SYSTEM_ADMIN', agencyId: saId }).expect(201);
      const otp = created.body.oneTimePassword as string;
      const session = await login('otp.admin', otp).expect(200);
      expect(session.body.mustChangePassword).toBe(true);
      const token = session.body.accessToken as string;

      for (const req of [adminOnly(token), t.http().get('/api/v1/cases').set(bearer(token)), t.http().get('/api/v1/agencies').set(bearer(token))]) {
        const res = await req.expect(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.type).toMatch(/\/password-change-required$/);
      }

      const change = (body: object) => t.http().post('/api/v1/auth/password').set(bearer(token)).send(body);
      const short = await change({ currentPassword: otp, newPassword: 'short-SECRT' }).expect(400);
      expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['newPassword']);
      expect(JSON.stringify(short.body)).not.toContain('short-SECRT');
      const wrong = await change({ currentPassword: 'not-the-otp-at-all', newPassword: 'a brand new passphrase' }).expect(422);
      expect(wrong.body.errors[0].field).toBe('currentPassword');
      const same = await change({ currentPassword: otp, newPassword: otp }).expect(422);
      expect(same.body.errors[0].field).toBe('newPassword');
      await change({ currentPassword: otp, newPassword: 'a brand new passphrase' }).expect(204);

      await adminOnly(token).expect(200); // the same token now works everywhere
      await login('otp.admin', otp).expect(401);
      const again = await login('otp.admin', 'a brand new passphrase').expect(200);
      expect(again.body.mustChangePassword).toBe(false);
    });

    it('logout works while the change is pending', async () => {
      const created = await t.http().post('/api/v1/users').set(bearer(admin.token)).send({ username: 'otp.logout', role: 'CASEWORKER', agencyId: saId }).expect(201);
      const token = (await login('otp.logout', created.body.oneTimePassword).expect(200)).body.accessToken;
      await t.http().post('/api/v1/auth/logout').set(bearer(token)).expect(204);
      await t.http().post('/api/v1/auth/password').set(bearer(token)).send({ currentPassword: created.body.oneTimePassword, newPassword: 'another passphrase' }).expect(401);
    });
  });

  it('changing the password revokes the other sessions, not the current one', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId });
    const other = (await login(user.username, user.password).expect(200)).body;
    await t.http().post('/api/v1/auth/password').set(bearer(user.token)).send({ currentPassword: user.password, newPassword: 'correct horse battery' }).expect(204);
    await adminOnly(user.token).expect(200);
    await adminOnly(other.accessToken).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken }).expect(401);
  });

  it('deactivation revokes at once; the account then fails login like a wrong password', async () => {
    const user = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: saId });
    await adminOnly(user.token).expect(200);
    await t.http().post(`/api/v1/users/${user.userId}/deactivate`).set(bearer(admin.token)).expect(204);
    await adminOnly(user.token).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    const res = await login(user.username, user.password).expect(401);
    expect(res.body.type).toMatch(/\/invalid-credentials$/);
  });

  it('a password reset by the admin revokes sessions and issues a one-time password once', async () => {
    const user = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: saId });
    const reset = await t.http().post(`/api/v1/users/${user.userId}/reset-password`).set(bearer(admin.token)).expect(200);
    expect(reset.headers['cache-control']).toBe('no-store');
    expect(reset.body).toMatchObject({ id: user.userId, mustChangePassword: true });
    await t.http().get('/api/v1/cases').set(bearer(user.token)).expect(401);
    await login(user.username, user.password).expect(401);
    const fresh = await login(user.username, reset.body.oneTimePassword).expect(200);
    expect(fresh.body.mustChangePassword).toBe(true);
  });
});
