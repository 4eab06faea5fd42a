import { createTestApp, TestApp } from './support/app';
import { bearer, createAdmin, createAgency, createUserAndLogin, TestUser } from './support/identity';

describe('users: administration by SYSTEM_ADMIN', () => {
  let t: TestApp;
  let admin: TestUser;
  const agencies: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    for (const type of ['SOCIAL_AFFAIRS', 'SHELTER', 'HEALTH', 'POLICE', 'BORDER_GUARD', 'LEGAL_AID', 'STEERING_COMMITTEE', 'COMMUNE_PC']) {
      agencies[type] = (await createAgency(t, { type })).id;
    }
  });
  afterAll(() => t?.close());

  const post = (body: object, token = admin.token) => t.http().post('/api/v1/users').set(bearer(token)).send(body);

  it('creates a user with a server-generated one-time password, returned once with no-store', async () => {
    const res = await post({ username: 'lan.nguyen', role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS }).expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ username: 'lan.nguyen', role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS, mustChangePassword: true });
    expect(res.body.oneTimePassword.length).toBeGreaterThanOrEqual(12);
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const [row] = await t.sql('SELECT password_hash, must_change_password FROM users WHERE id = $1', [res.body.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.must_change_password).toBe(true);
    const read = await t.http().get(`/api/v1/users/${res.body.id}`).set(bearer(admin.token)).expect(200);
    expect(read.body.oneTimePassword).toBeUndefined();
  });

  it('an admin-given password is one-time too and is not echoed', async () => {
    const res = await post({ username: 'given.pw', role: 'POLICE_OFFICER', agencyId: agencies.POLICE, password: 'a given initial pass' }).expect(201);
    expect(res.body.mustChangePassword).toBe(true);
    expect('oneTimePassword' in res.body).toBe(false);
    expect(JSON.stringify(res.body)).not.toContain('a given initial pass');
    const login = await t.http().post('/api/v1/auth/login').send({ username: 'given.pw', password: 'a given initial pass' }).expect(200);
    expect(login.body.mustChangePassword).toBe(true);
  });

  it('usernames are unique case-insensitively (409 username-taken)', async () => {
    const first = await post({ username: 'Hoa.Tran', role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS }).expect(201);
    expect(first.body.username).toBe('hoa.tran');
    const res = await post({ username: 'hoa.TRAN', role: 'SUPERVISOR', agencyId: agencies.SOCIAL_AFFAIRS }).expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.type).toMatch(/\/username-taken$/);
  });

  it('validates fields without echoing values', async () => {
    const res = await post({ username: 'x$SECRETNAME', role: 'KING', agencyId: 'nope', password: 'SECRETshort' }).expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['agencyId', 'password', 'role', 'username']);
    const text = JSON.stringify(res.body);
    for (const v of ['SECRETNAME', 'KING', 'SECRETshort']) expect(text).not.toContain(v);
    await post({ username: 'ab', role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS }).expect(400);
    await post({ username: 'a'.repeat(65), role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS }).expect(400);
  });

  it('checks that the role fits the agency type (422 naming the field)', async () => {
    const mismatches: Array<[string, string]> = [
      ['BORDER_GUARD', 'POLICE'],
      ['POLICE_OFFICER', 'BORDER_GUARD'],
      ['LEGAL_AID_OFFICER', 'SOCIAL_AFFAIRS'],
      ['HEALTH_WORKER', 'SHELTER'],
      ['CASEWORKER', 'POLICE'],
      ['SUPERVISOR', 'COMMUNE_PC'],
      ['STATISTICIAN', 'SOCIAL_AFFAIRS'],
    ];
    for (const [role, type] of mismatches) {
      const res = await post({ username: `mm.${role.toLowerCase()}`, role, agencyId: agencies[type] }).expect(422);
      expect(res.body.type).toMatch(/\/role-agency-mismatch$/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('role');
    }
    const fits: Array<[string, string]> = [
      ['CASEWORKER', 'SHELTER'],
      ['SUPERVISOR', 'HEALTH'],
      ['HEALTH_WORKER', 'HEALTH'],
      ['STATISTICIAN', 'POLICE'],
      ['STATISTICIAN', 'STEERING_COMMITTEE'],
      ['AUDITOR', 'BORDER_GUARD'],
      ['SYSTEM_ADMIN', 'COMMUNE_PC'],
    ];
    for (const [role, type] of fits) await post({ username: `ok.${role.toLowerCase()}.${type.toLowerCase()}`, role, agencyId: agencies[type] }).expect(201);
    const missing = await post({ username: 'no.agency', role: 'AUDITOR', agencyId: '0190a0a0-0000-7000-8000-000000000000' }).expect(422);
    expect(missing.body.errors[0].field).toBe('agencyId');
  });

  it('lists with {items, nextCursor}, filters by agency, reads one; unknown → 404', async () => {
    const page = await t.http().get('/api/v1/users').query({ limit: 2 }).set(bearer(admin.token)).expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(typeof page.body.nextCursor).toBe('string');
    expect(Object.keys(page.body.items[0]).sort()).toEqual(['active', 'agencyId', 'id', 'mustChangePassword', 'role', 'username']);
    const police = await t.http().get('/api/v1/users').query({ agencyId: agencies.POLICE }).set(bearer(admin.token)).expect(200);
    expect(police.body.items.length).toBeGreaterThan(0);
    expect(police.body.items.every((u: { agencyId: string }) => u.agencyId === agencies.POLICE)).toBe(true);
    expect(police.body.nextCursor).toBeNull();
    await t.http().get('/api/v1/users/0190a0a0-0000-7000-8000-000000000000').set(bearer(admin.token)).expect(404);
    expect(JSON.stringify(page.body)).not.toMatch(/passwordHash|password_hash|argon2/);
  });

  it('offers no way to change role or agency (PATCH is rejected, nothing changes)', async () => {
    const u = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: agencies.SOCIAL_AFFAIRS });
    for (const token of [admin.token, u.token]) {
      const res = await t.http().patch(`/api/v1/users/${u.userId}`).set(bearer(token)).send({ role: 'SYSTEM_ADMIN', agencyId: agencies.POLICE });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const [row] = await t.sql('SELECT role, agency_id FROM users WHERE id = $1', [u.userId]);
    expect(row).toEqual({ role: 'CASEWORKER', agency_id: agencies.SOCIAL_AFFAIRS });
  });

  it('deactivates (204) and refuses to deactivate oneself (409)', async () => {
    const u = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId: agencies.SOCIAL_AFFAIRS });
    await t.http().post(`/api/v1/users/${u.userId}/deactivate`).set(bearer(admin.token)).expect(204);
    const read = await t.http().get(`/api/v1/users/${u.userId}`).set(bearer(admin.token)).expect(200);
    expect(read.body.active).toBe(false);
    const [open] = await t.sql('SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL', [u.userId]);
    expect(open.n).toBe(0);
    await t.http().post(`/api/v1/users/${admin.userId}/deactivate`).set(bearer(admin.token)).expect(409);
    await t.http().post('/api/v1/users/0190a0a0-0000-7000-8000-000000000000/deactivate').set(bearer(admin.token)).expect(404);
  });

  it('every non-admin role gets 403 on every user endpoint', async () => {
    const roles: Array<[string, string]> = [
      ['CASEWORKER', 'SOCIAL_AFFAIRS'],
      ['SUPERVISOR', 'SOCIAL_AFFAIRS'],
      ['BORDER_GUARD', 'BORDER_GUARD'],
      ['POLICE_OFFICER', 'POLICE'],
      ['LEGAL_AID_OFFICER', 'LEGAL_AID'],
      ['HEALTH_WORKER', 'HEALTH'],
      ['STATISTICIAN', 'STEERING_COMMITTEE'],
      ['AUDITOR', 'SOCIAL_AFFAIRS'],
    ];
    for (const [role, type] of roles) {
      const u = await createUserAndLogin(t, { role, agencyId: agencies[type] });
      const calls = [
        post({ username: `x.${role.toLowerCase()}`, role: 'SYSTEM_ADMIN', agencyId: agencies.SOCIAL_AFFAIRS }, u.token),
        t.http().get('/api/v1/users').set(bearer(u.token)),
        t.http().get(`/api/v1/users/${u.userId}`).set(bearer(u.token)),
        t.http().post(`/api/v1/users/${admin.userId}/deactivate`).set(bearer(u.token)),
        t.http().post(`/api/v1/users/${admin.userId}/reset-password`).set(bearer(u.token)),
      ];
      for (const call of calls) {
        const res = await call;
        expect([role, res.status]).toEqual([role, 403]);
      }
    }
    const [row] = await t.sql('SELECT active FROM users WHERE id = $1', [admin.userId]);
    expect(row.active).toBe(true);
  });
});
