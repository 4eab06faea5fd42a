import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

const decision = { documentType: 'DECISION', issuer: 'Công an tỉnh Lạng Sơn', number: '88/QĐ-CAT', date: '2026-10-21', evidenceBases: ['STATEMENT_OF_PERSON'] };
const A_TO_G = ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'TRAVEL_COSTS', 'PSYCHOLOGICAL'];
const A_TO_H = [...A_TO_G, 'SCHOOLING'];
const A_TO_K = [...A_TO_H, 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'LOAN'];

describe('support services and Article 37 entitlements', () => {
  let t: TestApp;
  let cw: TestUser;
  let sup: TestUser;
  let other: TestUser;
  let agencyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    agencyId = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId });
    sup = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId });
    other = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
  });
  afterAll(() => t?.close());

  const open = async (patch: (b: ReturnType<typeof receptionPayload>) => void = () => undefined) => {
    const body = receptionPayload(1300);
    patch(body);
    return (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(body).expect(201)).body;
  };
  const entitlements = async (id: string, user = cw) => (await t.http().get(`/api/v1/cases/${id}/entitlements`).set(bearer(user.token)).expect(200)).body;
  const record = (id: string, body: object, user = cw) => t.http().post(`/api/v1/cases/${id}/support-services`).set(bearer(user.token)).send(body);

  it('a victim being identified in Viet Nam and the child with her: a–g each; after identification a–k and a–h', async () => {
    const c = await open();
    let e = await entitlements(c.id);
    expect(e.rulesVersion).toBe('law-53-2024-v1');
    expect(e.persons).toHaveLength(2);
    for (const p of e.persons) {
      expect(p.status).toBe('BEING_IDENTIFIED_IN_VIETNAM');
      expect(p.entitled).toEqual(A_TO_G);
      expect(p.received).toEqual([]);
    }

    const victimId = c.victim.id;
    const childId = c.accompanyingMinors[0].id;
    const delivered = await record(c.id, { personId: victimId, type: 'ESSENTIAL_NEEDS', status: 'DELIVERED', providerAgencyId: agencyId, startDate: '2026-10-02', note: 'Ở tạm tại cơ sở trợ giúp xã hội' }).expect(201);
    expect(delivered.body).toMatchObject({ personId: victimId, type: 'ESSENTIAL_NEEDS', status: 'DELIVERED', note: 'Ở tạm tại cơ sở trợ giúp xã hội', decisionDueOn: null });
    // Not yet entitled before identification: schooling (h) is for identified victims' children.
    const refused = await record(c.id, { personId: childId, type: 'SCHOOLING', status: 'PLANNED', providerAgencyId: agencyId, startDate: '2026-10-05' }).expect(422);
    expect(refused.body.errors[0].field).toBe('type');

    await t.http().post(`/api/v1/cases/${c.id}/transitions`).set(bearer(sup.token)).send({ to: 'IDENTIFIED_VICTIM', decision }).expect(200);
    e = await entitlements(c.id);
    const victim = e.persons.find((p: { kind: string }) => p.kind === 'VICTIM');
    const child = e.persons.find((p: { kind: string }) => p.kind === 'ACCOMPANYING_MINOR');
    expect(victim).toMatchObject({ status: 'IDENTIFIED_VICTIM', entitled: A_TO_K, received: ['ESSENTIAL_NEEDS'] });
    expect(child).toMatchObject({ status: 'ACCOMPANYING_MINOR_OF_VICTIM', entitled: A_TO_H, received: [] });

    // An application with its 9-working-day deadline (Fri 20 Nov 2026 → Thu 3 Dec 2026).
    const schooling = await record(c.id, { personId: childId, type: 'SCHOOLING', status: 'PLANNED', providerAgencyId: agencyId, startDate: '2026-11-20', applicationSubmittedOn: '2026-11-20' }).expect(201);
    expect(schooling.body.decisionDueOn).toBe('2026-12-03');
    e = await entitlements(c.id);
    expect(e.persons.find((p: { kind: string }) => p.kind === 'ACCOMPANYING_MINOR').applications).toEqual([
      { supportServiceId: schooling.body.id, type: 'SCHOOLING', decisionDueOn: '2026-12-03', overdue: expect.any(Boolean) },
    ]);

    // Delivering it needs the current ETag.
    const url = `/api/v1/cases/${c.id}/support-services/${schooling.body.id}`;
    await t.http().patch(url).set(bearer(cw.token)).send({ status: 'DELIVERED' }).expect(428);
    await t.http().patch(url).set(bearer(cw.token)).set('If-Match', '"v9"').send({ status: 'DELIVERED' }).expect(412);
    const done = await t.http().patch(url).set(bearer(cw.token)).set('If-Match', schooling.headers.etag).send({ status: 'DELIVERED', endDate: '2026-12-01' }).expect(200);
    expect(done.body.status).toBe('DELIVERED');
    e = await entitlements(c.id);
    expect(e.persons.find((p: { kind: string }) => p.kind === 'ACCOMPANYING_MINOR').received).toEqual(['SCHOOLING']);

    const list = await t.http().get(`/api/v1/cases/${c.id}/support-services`).set(bearer(cw.token)).expect(200);
    expect(list.body.items).toHaveLength(2);
    const stored = JSON.stringify(await t.sql('SELECT * FROM support_services'));
    expect(stored).not.toContain('cơ sở trợ giúp');
  });

  it('a person being identified still abroad: a–d; a foreign national: a, b, c, d, đ, g', async () => {
    const abroad = await open((b) => {
      b.victim.location = 'ABROAD';
    });
    const e1 = await entitlements(abroad.id);
    expect(e1.persons.map((p: { status: string }) => p.status)).toEqual(['BEING_IDENTIFIED_ABROAD', 'BEING_IDENTIFIED_ABROAD']);
    expect(e1.persons[0].entitled).toEqual(['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT']);

    const foreign = await open((b) => {
      b.victim.nationality = 'LA';
    });
    const e2 = await entitlements(foreign.id);
    const v = e2.persons.find((p: { kind: string }) => p.kind === 'VICTIM');
    expect(v.status).toBe('FOREIGN_NATIONAL');
    expect(v.entitled).toEqual(['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'PSYCHOLOGICAL']);
  });

  it('a decision that the person is not a victim leaves no Article 37 entitlement', async () => {
    const c = await open();
    await t.http().post(`/api/v1/cases/${c.id}/transitions`).set(bearer(sup.token)).send({ to: 'NOT_VICTIM', decision }).expect(200);
    const e = await entitlements(c.id);
    expect(e.persons.every((p: { status: string; entitled: string[] }) => p.status === 'NOT_VICTIM' && p.entitled.length === 0)).toBe(true);
  });

  it('validation and scope: 400 naming fields, 422 for a person of another case, 404 for another agency', async () => {
    const c = await open();
    const bad = await record(c.id, { personId: 'x', type: 'SOMETHING', status: 'DONE', providerAgencyId: agencyId, startDate: '2026-02-30' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['personId', 'type', 'status']));
    const elsewhere = await open();
    const wrongPerson = await record(c.id, { personId: elsewhere.victim.id, type: 'MEDICAL', status: 'PLANNED', providerAgencyId: agencyId, startDate: '2026-10-02' }).expect(422);
    expect(wrongPerson.body.errors[0].field).toBe('personId');
    await record(c.id, { personId: c.victim.id, type: 'MEDICAL', status: 'PLANNED', providerAgencyId: agencyId, startDate: '2026-10-02' }, other).expect(404);
    await t.http().get(`/api/v1/cases/${c.id}/entitlements`).set(bearer(other.token)).expect(404);
    await t.http().get(`/api/v1/cases/${c.id}/support-services`).set(bearer(other.token)).expect(404);
  });
});
