import { createTestApp, TestApp } from './support/app';
import { personalValuesOf, receptionPayload, textFormsOf } from './support/case-fixtures';
import { createAgency, createUserAndLogin } from './support/identity';

/**
 * After realistic data is written through the API (creates, updates, reads, lists — so audit and
 * idempotency rows exist too), no column of any table holds a test person's name, ID number, phone,
 * address or narrative: not as UTF-8 text (NFC or NFD), not as hex inside bytea.
 */
describe('privacy: plaintext scan of every column after e2e writes', () => {
  let t: TestApp;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const auth = { Authorization: `Bearer ${cw.token}` };
    for (let i = 0; i < 3; i++) {
      const body = receptionPayload(500 + i);
      const created = await t.http().post('/api/v1/cases').set(auth).set('Idempotency-Key', `scan-${i}`).send(body).expect(201);
      await t.http().get(`/api/v1/cases/${created.body.id}`).set(auth).expect(200);
      await t
        .http()
        .patch(`/api/v1/cases/${created.body.id}`)
        .set(auth)
        .set('If-Match', created.headers.etag)
        .send({ victim: { phone: `0977${500 + i}123` } })
        .expect(200);
      secrets.push(...personalValuesOf(body), `0977${500 + i}123`);
    }
    await t.http().get('/api/v1/cases').set(auth).expect(200);
  });
  afterAll(() => t?.close());

  it('finds zero hits in every text, bytea, json and array column', async () => {
    const columns = await t.sql<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
      `SELECT c.table_name, c.column_name, c.data_type, c.udt_name
         FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
          AND (c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY'))`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const needles = textFormsOf(secrets);
    const hexNeedles = needles.map((s) => Buffer.from(s, 'utf8').toString('hex'));
    const hits: string[] = [];
    for (const col of columns) {
      const expr = col.data_type === 'bytea' ? `encode("${col.column_name}", 'hex')` : `"${col.column_name}"::text`;
      const patterns = col.data_type === 'bytea' ? hexNeedles : needles;
      const rows = await t.sql(`SELECT count(*)::int AS n FROM "${col.table_name}" WHERE ${expr} LIKE ANY($1::text[])`, [
        patterns.map((p) => `%${p.replace(/[\\%_]/g, (m) => `\\${m}`)}%`),
      ]);
      if (rows[0].n > 0) hits.push(`${col.table_name}.${col.column_name}`);
    }
    expect(hits).toEqual([]);
  });

  it('the scan itself detects plaintext (control: a planted value is found)', async () => {
    // A text column holding a planted needle is found by the same query shape.
    await t.sql(`CREATE TEMP TABLE scan_control (v text)`);
    await t.sql(`INSERT INTO scan_control VALUES ($1)`, [`x ${secrets[0]} y`]);
    const found = await t.sql(`SELECT count(*)::int AS n FROM scan_control WHERE v::text LIKE ANY($1::text[])`, [[`%${secrets[0]}%`]]);
    expect(found[0].n).toBe(1);
  });
});
