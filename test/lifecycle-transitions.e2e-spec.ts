import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

const decision = {
  documentType: 'CONCLUSION',
  issuer: 'Công an tỉnh Lạng Sơn',
  number: '125/KL-CAT-PC02',
  date: '2026-10-20',
  evidenceBases: ['FOREIGN_AUTHORITY_DOCUMENTS', 'STATEMENT_OF_PERSON'],
};

describe('lifecycle: stage transitions as commands', () => {
  let t: TestApp;
  let cw: TestUser;
  let sup: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    sup = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId: sa });
    other = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
  });
  afterAll(() => t?.close());

  const newCase = async () => (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(1200)).expect(201)).body;
  const move = (user: TestUser, id: string, body: object) => t.http().post(`/api/v1/cases/${id}/transitions`).set(bearer(user.token)).send(body);

  it('walks the whole journey: reception → verification → identification → support → reintegration → closure', async () => {
    const c = await newCase();
    const steps: Array<[TestUser, object, string]> = [
      [cw, { to: 'INITIAL_VERIFICATION' }, 'INITIAL_VERIFICATION'],
      [cw, { to: 'IN_IDENTIFICATION' }, 'IN_IDENTIFICATION'],
      [sup, { to: 'IDENTIFIED_VICTIM', decision }, 'IDENTIFIED_VICTIM'],
      [cw, { to: 'SUPPORT' }, 'SUPPORT'],
      [cw, { to: 'REINTEGRATION' }, 'REINTEGRATION'],
      [sup, { to: 'CLOSED', reason: 'Đã tái hòa nhập ổn định tại xã Đồng Đăng' }, 'CLOSED'],
    ];
    let previous = 'RECEIVED';
    for (const [user, body, stage] of steps) {
      const res = await move(user, c.id, body).expect(200);
      expect(res.body).toMatchObject({ id: c.id, stage, previousStage: previous });
      expect(res.headers.etag).toMatch(/^"v\d+"$/);
      previous = stage;
    }
    const read = await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(cw.token)).expect(200);
    expect(read.body).toMatchObject({ stage: 'CLOSED', identificationOutcome: 'IDENTIFIED_VICTIM' });
    const history = await t.sql('SELECT from_stage, to_stage, reason_enc, decision_enc, decision_document_type FROM case_transitions WHERE case_id = $1 ORDER BY occurred_at', [c.id]);
    expect(history.map((h) => h.to_stage)).toEqual(steps.map((s) => s[2]));
    expect(history[2].decision_document_type).toBe('CONCLUSION');
    expect(JSON.stringify(history)).not.toContain('125/KL'); // decision number encrypted
    const audit = await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.transition' AND resource_id = $1`, [c.id]);
    expect(audit[0].n).toBe(steps.length);
    // Reopen with a reason (supervisor).
    await move(sup, c.id, { to: 'SUPPORT', reason: 'Nạn nhân bị đe dọa trở lại' }).expect(200);
  });

  it('lets support start at reception', async () => {
    const c = await newCase();
    await move(cw, c.id, { to: 'SUPPORT' }).expect(200);
  });

  it('an invalid transition answers 409 naming the allowed ones', async () => {
    const c = await newCase();
    const res = await move(cw, c.id, { to: 'REINTEGRATION' }).expect(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ currentStage: 'RECEIVED' });
    expect(res.body.allowed).toEqual(expect.arrayContaining(['INITIAL_VERIFICATION', 'SUPPORT']));
    expect(res.body.allowed).not.toContain('REINTEGRATION');
  });

  it('missing required data answers 422 naming the field; nothing changes', async () => {
    const c = await newCase();
    await move(cw, c.id, { to: 'INITIAL_VERIFICATION' }).expect(200);
    const res = await move(sup, c.id, { to: 'NOT_VICTIM' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'decision', message: expect.any(String) }]);
    const read = await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(cw.token)).expect(200);
    expect(read.body.stage).toBe('INITIAL_VERIFICATION');
  });

  it('a caseworker cannot record the identification decision or close (409 with what they may do)', async () => {
    const c = await newCase();
    const res = await move(cw, c.id, { to: 'NOT_VICTIM', decision }).expect(409);
    expect(res.body.allowed).not.toContain('NOT_VICTIM');
  });

  it('another agency gets 404; invalid stage code gets 400 naming "to"', async () => {
    const c = await newCase();
    await move(other, c.id, { to: 'INITIAL_VERIFICATION' }).expect(404);
    const bad = await move(cw, c.id, { to: 'NOWHERE' }).expect(400);
    expect(bad.body.errors[0].field).toBe('to');
    expect(JSON.stringify(bad.body)).not.toContain('NOWHERE');
  });

  it('concurrent identical transitions: one wins, the other gets 409', async () => {
    const c = await newCase();
    const results = await Promise.all([move(cw, c.id, { to: 'INITIAL_VERIFICATION' }), move(cw, c.id, { to: 'INITIAL_VERIFICATION' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});

describe('reference data', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t?.close());

  it.each(['roles', 'agency-types', 'channels', 'stages', 'support-types', 'exploitation-forms', 'screening-outcomes', 'protection-measures', 'provinces'])(
    'GET /reference/%s is public and labelled in Vietnamese and English',
    async (list) => {
      const res = await t.http().get(`/api/v1/reference/${list}`).expect(200);
      expect(res.body.length).toBeGreaterThan(2);
      for (const e of res.body) expect(Object.keys(e)).toEqual(expect.arrayContaining(['code', 'vi', 'en']));
    },
  );

  it('support types carry the law letter; provinces are the 34 with Lạng Sơn = 20; job scams and surrogacy are forms', async () => {
    const support = (await t.http().get('/api/v1/reference/support-types').expect(200)).body;
    expect(support.find((s: { code: string }) => s.code === 'LEGAL_AID').lawLetter).toBe('đ');
    expect(support.filter((s: { lawLetter: string }) => s.lawLetter === 'k').map((s: { code: string }) => s.code)).toEqual(['HARDSHIP_ALLOWANCE', 'LOAN']);
    const provinces = (await t.http().get('/api/v1/reference/provinces').expect(200)).body;
    expect(provinces).toHaveLength(34);
    expect(provinces.find((p: { code: string }) => p.code === '20').vi).toBe('Tỉnh Lạng Sơn');
    const forms = (await t.http().get('/api/v1/reference/exploitation-forms').expect(200)).body.map((f: { code: string }) => f.code);
    expect(forms).toEqual(expect.arrayContaining(['JOB_SCAM', 'COMMERCIAL_SURROGACY', 'ORGAN_REMOVAL']));
    await t.http().get('/api/v1/reference/__proto__').expect(404);
    await t.http().get('/api/v1/reference/nothing').expect(404);
  });
});
