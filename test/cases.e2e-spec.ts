import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { createAgency, createUserAndLogin } from './support/identity';

describe('cases: reception, reads, optimistic concurrency, idempotency', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  let caseworker: { token: string; userId: string };

  beforeAll(async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    caseworker = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    auth = { Authorization: `Bearer ${caseworker.token}` };
  });
  afterAll(() => t?.close());

  const create = (body: object, headers: Record<string, string> = {}) => t.http().post('/api/v1/cases').set(auth).set(headers).send(body);

  it('creates a case with a case number, stage RECEIVED, victim and minor as separate persons', async () => {
    const res = await create(receptionPayload(10)).expect(201);
    expect(res.body.caseNumber).toMatch(/^20-2026-\d{6}$/);
    expect(res.body.stage).toBe('RECEIVED');
    expect(res.body.victim).toMatchObject({ fullName: 'Nguyễn Thị Lành 10', dateOfBirth: '2004-03-17', ageBand: '18-24', sex: 'FEMALE' });
    expect(res.body.accompanyingMinors[0]).toMatchObject({ fullName: 'Hoàng Văn Bảo 10', birthYear: 2022, relation: 'CHILD', ageBand: '0-5' });
    expect(res.body.victim.id).not.toBe(res.body.accompanyingMinors[0].id);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.headers['cache-control']).toBe('no-store');
    const persons = await t.sql('SELECT id, kind FROM persons WHERE case_id = $1 ORDER BY ordinal', [res.body.id]);
    expect(persons.map((p) => p.kind)).toEqual(['VICTIM', 'ACCOMPANYING_MINOR']);
    const keys = await t.sql('SELECT owner_type FROM data_keys WHERE owner_id = ANY($1::uuid[]) ORDER BY owner_type', [[res.body.id, ...persons.map((p) => p.id)]]);
    expect(keys.map((k) => k.owner_type)).toEqual(['case', 'person', 'person']);
    const indexes = await t.sql('SELECT kind FROM person_blind_indexes WHERE case_id = $1 ORDER BY kind', [res.body.id]);
    expect(indexes.map((i) => i.kind)).toEqual(['id_number', 'name', 'name', 'name_birth_year', 'name_birth_year', 'phone']);
  });

  it('stores the same Vietnamese name written in NFD under the same blind index as NFC', async () => {
    const nfc = receptionPayload(11);
    const nfd = receptionPayload(11);
    nfd.victim.fullName = nfc.victim.fullName.normalize('NFD');
    const a = (await create(nfc).expect(201)).body;
    const b = (await create(nfd).expect(201)).body;
    const ix = await t.sql(
      `SELECT case_id, value FROM person_blind_indexes WHERE kind = 'name' AND person_id = ANY($1::uuid[])`,
      [[a.victim.id, b.victim.id]],
    );
    expect(ix).toHaveLength(2);
    expect(ix[0].value).toBe(ix[1].value);
    // Stored inertly, returned unchanged.
    expect(b.victim.fullName).toBe(nfd.victim.fullName);
  });

  it('rejects invalid input with problem+json naming the field, without echoing the value, and writes nothing', async () => {
    const before = await t.sql('SELECT count(*)::int AS n FROM cases');
    const bad = receptionPayload(12) as any;
    bad.victim.sex = 'NOT_A_SEX_VALUE_XYZ';
    bad.victim.dateOfBirth = '2004-02-30';
    bad.unknownField = 'SECRET_UNKNOWN_VALUE';
    const res = await create(bad).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['victim.sex', 'victim.dateOfBirth', 'unknownField']));
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('NOT_A_SEX_VALUE_XYZ');
    expect(text).not.toContain('SECRET_UNKNOWN_VALUE');
    expect(text).not.toContain('Lành');
    expect(await t.sql('SELECT count(*)::int AS n FROM cases')).toEqual(before);
  });

  it('rejects an accompanying "minor" who is 18 or older at reception (422 naming the field)', async () => {
    const body = receptionPayload(13);
    body.accompanyingMinors[0] = { ...body.accompanyingMinors[0], birthYear: 1990 };
    const res = await create(body).expect(422);
    expect(res.body.errors[0].field).toBe('accompanyingMinors[0].dateOfBirth');
  });

  it('PATCH needs If-Match (428), refuses a stale ETag (412) and bumps the ETag', async () => {
    const created = (await create(receptionPayload(14)).expect(201)).body;
    const url = `/api/v1/cases/${created.id}`;
    const none = await t.http().patch(url).set(auth).send({ summary: 'x' }).expect(428);
    expect(none.body.type).toMatch(/\/precondition-required$/);
    const ok = await t.http().patch(url).set(auth).set('If-Match', '"v1"').send({ victim: { phone: '0988000111' }, summary: 'Cập nhật' }).expect(200);
    expect(ok.headers.etag).toBe('"v2"');
    expect(ok.body.victim.phone).toBe('0988000111');
    expect(ok.body.summary).toBe('Cập nhật');
    const stale = await t.http().patch(url).set(auth).set('If-Match', '"v1"').send({ summary: 'lost update' }).expect(412);
    expect(stale.body.type).toMatch(/\/precondition-failed$/);
    const read = await t.http().get(url).set(auth).expect(200);
    expect(read.body.summary).toBe('Cập nhật');
    // The phone index follows the new value.
    const phones = await t.sql(`SELECT count(*)::int AS n FROM person_blind_indexes WHERE person_id = $1 AND kind = 'phone'`, [created.victim.id]);
    expect(phones[0].n).toBe(1);
  });

  it('concurrent updates with the same ETag: exactly one wins, the rest get 412', async () => {
    const created = (await create(receptionPayload(15)).expect(201)).body;
    const url = `/api/v1/cases/${created.id}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.http().patch(url).set(auth).set('If-Match', '"v1"').send({ summary: `writer ${i}` })),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(7);
    const final = await t.http().get(url).set(auth).expect(200);
    expect(final.body.summary).toBe(winners[0].body.summary);
    expect(final.headers.etag).toBe('"v2"');
  });

  it('Idempotency-Key: a replay returns the same case; another body with the key → 422; concurrent → one case', async () => {
    const body = receptionPayload(16);
    const first = await create(body, { 'Idempotency-Key': 'reception-16' }).expect(201);
    const again = await create(body, { 'Idempotency-Key': 'reception-16' }).expect(201);
    expect(again.body).toEqual(first.body);
    const other = await create(receptionPayload(17), { 'Idempotency-Key': 'reception-16' }).expect(422);
    expect(other.body.type).toMatch(/\/idempotency-key-reused$/);

    const parallel = await Promise.all(Array.from({ length: 6 }, () => create(receptionPayload(18), { 'Idempotency-Key': 'reception-18' })));
    expect(parallel.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(parallel.map((r) => r.body.id)).size).toBe(1);
    const stored = await t.sql(`SELECT * FROM idempotency_keys WHERE key = 'reception-18'`);
    expect(stored).toHaveLength(1);
    // Only ids and a keyed hash: nothing from the body.
    expect(JSON.stringify(stored)).not.toContain('Lành');
  });

  it('lists with a cursor, newest first, without duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.http().get(`/api/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(auth).expect(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = await t.sql('SELECT id FROM cases ORDER BY id DESC');
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('answers 400 for a malformed id and an invalid cursor', async () => {
    const res = await t.http().get('/api/v1/cases/not-a-uuid').set(auth).expect(400);
    expect(res.body.errors[0].field).toBe('id');
    await t.http().get('/api/v1/cases?cursor=$$$').set(auth).expect(400);
  });

  it('keeps reading after a column is added under its prepared statements (a migration while running)', async () => {
    const id = (await create(receptionPayload(14)).expect(201)).body.id;
    // Prepare the hot-path statements on every pooled connection the reads use.
    await Promise.all(Array.from({ length: 8 }, () => t.http().get(`/api/v1/cases/${id}`).set(auth).expect(200)));
    await t.sql('ALTER TABLE cases ADD COLUMN bench_added_column integer');
    try {
      const reads = await Promise.all(Array.from({ length: 8 }, () => t.http().get(`/api/v1/cases/${id}`).set(auth)));
      expect(reads.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(reads[0].body).toMatchObject({ id, victim: { fullName: 'Nguyễn Thị Lành 14' } });
      expect(reads[0].body).not.toHaveProperty('bench_added_column');
    } finally {
      await t.sql('ALTER TABLE cases DROP COLUMN bench_added_column');
    }
  });

  it('numbers concurrent receptions in a province consecutively, without gaps or duplicates, as stored', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => ({ ...receptionPayload(40 + i), provinceCode: '04' }));
    const created = await Promise.all(bodies.map((b) => create(b).expect(201)));
    const numbers = created.map((r) => r.body.caseNumber as string).sort();
    const serials = numbers.map((n) => Number(n.split('-')[2]));
    expect(numbers.every((n) => /^04-\d{4}-\d{6}$/.test(n))).toBe(true);
    expect(serials).toEqual(Array.from({ length: 12 }, (_, i) => serials[0] + i));
    const stored = await t.sql('SELECT case_number FROM cases WHERE id = ANY($1::uuid[]) ORDER BY case_number', [created.map((r) => r.body.id)]);
    expect(stored.map((r) => r.case_number)).toEqual(numbers);
  });

  it('gives every response a request id, keeping a well-formed one the client sent', async () => {
    const own = await t.http().get('/api/v1/cases?limit=1').set(auth).set('X-Request-Id', 'desk-7f3a9c21').expect(200);
    expect(own.headers['x-request-id']).toBe('desk-7f3a9c21');
    const made = await t.http().get('/api/v1/cases?limit=1').set(auth).set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('cases: relatives and contacts', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('are persons of the case under their own keys, returned to the owning agency, never blind-indexed', async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const body = { ...receptionPayload(30), relatives: [{ fullName: 'Nguyễn Văn Hùng', relation: 'PARENT', phone: '0203 888 777', address: 'Thôn Nà Pàn' }] };
    const created = await t.http().post('/api/v1/cases').set({ Authorization: `Bearer ${cw.token}` }).send(body).expect(201);
    expect(created.body.relatives).toEqual([
      expect.objectContaining({ fullName: 'Nguyễn Văn Hùng', relation: 'PARENT', phone: '0203 888 777', address: 'Thôn Nà Pàn', sex: 'UNKNOWN', nationality: 'XX' }),
    ]);
    const rel = created.body.relatives[0];
    const [key] = await t.sql(`SELECT owner_type FROM data_keys WHERE owner_id = $1`, [rel.id]);
    expect(key.owner_type).toBe('person');
    expect(await t.sql(`SELECT * FROM person_blind_indexes WHERE person_id = $1`, [rel.id])).toEqual([]);
    expect(JSON.stringify(await t.sql(`SELECT * FROM persons WHERE id = $1`, [rel.id]))).not.toContain('Hùng');
    const entitlements = await t.http().get(`/api/v1/cases/${created.body.id}/entitlements`).set({ Authorization: `Bearer ${cw.token}` }).expect(200);
    expect(entitlements.body.persons.map((p: { kind: string }) => p.kind)).toEqual(['VICTIM', 'ACCOMPANYING_MINOR']);
  });
});
