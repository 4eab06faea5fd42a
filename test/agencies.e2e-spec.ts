import { PROVINCES } from '../src/agencies/provinces';
import { createTestApp, TestApp } from './support/app';
import { bearer, bootstrapAdmin, createAgency, createUserAndLogin } from './support/identity';

describe('agencies: administration by SYSTEM_ADMIN', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await bootstrapAdmin(t);
  });
  afterAll(() => t?.close());

  const post = (body: object, token = admin) => t.http().post('/api/v1/agencies').set(bearer(token)).send(body);

  it('lists the 34 official provinces (codes since 1 July 2025), Lạng Sơn is 20', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
    expect(PROVINCES.every((p) => /^\d{2}$/.test(p.code) && p.vi && p.en)).toBe(true);
    expect(PROVINCES.find((p) => p.code === '20')?.vi).toBe('Tỉnh Lạng Sơn');
    expect(PROVINCES.find((p) => p.code === '79')?.en).toBe('Ho Chi Minh City');
  });

  it('creates an agency: 201 with exactly the contract fields', async () => {
    const res = await post({ name: 'Đồn Biên phòng cửa khẩu Hữu Nghị', type: 'BORDER_GUARD', provinceCode: '20', communeCode: '06271' }).expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['communeCode', 'id', 'name', 'provinceCode', 'type']);
    expect(res.body).toMatchObject({ name: 'Đồn Biên phòng cửa khẩu Hữu Nghị', type: 'BORDER_GUARD', provinceCode: '20', communeCode: '06271' });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUIDv7
    const noCommune = await post({ name: 'Công an tỉnh Lạng Sơn', type: 'POLICE', provinceCode: '20' }).expect(201);
    expect(noCommune.body.communeCode).toBeNull();
    await t.http().get(`/api/v1/agencies/${res.body.id}`).set(bearer(admin)).expect(200, res.body);
  });

  it('rejects invalid fields with problem+json naming each field, never echoing values', async () => {
    const res = await post({ name: '', type: 'SECRET_TYPE_VALUE', provinceCode: '99', communeCode: 'SECRET_COMMUNE', extra: 'SECRET_EXTRA' }).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.type).toMatch(/\/validation-failed$/);
    const fields = new Set(res.body.errors.map((e: { field: string }) => e.field));
    expect([...fields].sort()).toEqual(['communeCode', 'extra', 'name', 'provinceCode', 'type']);
    const text = JSON.stringify(res.body);
    for (const v of ['SECRET_TYPE_VALUE', 'SECRET_COMMUNE', 'SECRET_EXTRA']) expect(text).not.toContain(v);
    // A province code that existed before the 2025 merger (Hà Giang, 02) is no longer valid.
    await post({ name: 'X', type: 'POLICE', provinceCode: '02' }).expect(400);
    await post({ name: 'X', type: 'POLICE', provinceCode: 20 }).expect(400);
  });

  it('lists with {items, nextCursor} and keyset pagination', async () => {
    for (let i = 0; i < 3; i++) await createAgency(t, { type: 'SHELTER' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.http()
        .get('/api/v1/agencies')
        .query(cursor ? { limit: 2, cursor } : { limit: 2 })
        .set(bearer(admin))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((a) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const [{ n }] = await t.sql('SELECT count(*)::int AS n FROM agencies');
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    const bad = await t.http().get('/api/v1/agencies').query({ cursor: 'bm90LWEtdXVpZA' }).set(bearer(admin)).expect(400);
    expect(bad.body.errors[0].field).toBe('cursor');
    await t.http().get('/api/v1/agencies').query({ limit: 0 }).set(bearer(admin)).expect(400);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    await t.http().get('/api/v1/agencies/0190a0a0-0000-7000-8000-000000000000').set(bearer(admin)).expect(404);
    const res = await t.http().get('/api/v1/agencies/not-a-uuid').set(bearer(admin)).expect(400);
    expect(res.body.errors[0].field).toBe('id');
  });

  it('is closed to every other role (403) and to anonymous callers (401)', async () => {
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const caseworker = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const auditor = await createUserAndLogin(t, { role: 'AUDITOR', agencyId: sa });
    for (const u of [caseworker, auditor]) {
      const res = await post({ name: 'X', type: 'POLICE', provinceCode: '20' }, u.token).expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await t.http().get('/api/v1/agencies').set(bearer(u.token)).expect(403);
      await t.http().get(`/api/v1/agencies/${sa}`).set(bearer(u.token)).expect(403);
    }
    await t.http().post('/api/v1/agencies').send({ name: 'X', type: 'POLICE', provinceCode: '20' }).expect(401);
  });

  it('documents the identity endpoints in OpenAPI', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    for (const p of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/password', '/api/v1/agencies', '/api/v1/agencies/{id}', '/api/v1/users', '/api/v1/users/{id}/deactivate', '/api/v1/users/{id}/reset-password']) {
      expect(doc.paths[p]).toBeDefined();
    }
    expect(doc.components.schemas.CreateAgencyDto.properties.name.maxLength).toBe(200);
    expect(Object.keys(doc.paths['/api/v1/users'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '422', '429']));
  });
});
