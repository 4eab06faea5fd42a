import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

describe('referrals: legal aid and health see only what the consent shares (REFERRAL reason)', () => {
  let t: TestApp;
  let cw: TestUser;
  let legal: TestUser;
  let otherLegal: TestUser;
  let health: TestUser;
  let legalAgency: string;
  let healthAgency: string;

  beforeAll(async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    legalAgency = (await createAgency(t, { type: 'LEGAL_AID' })).id;
    healthAgency = (await createAgency(t, { type: 'HEALTH' })).id;
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    legal = await createUserAndLogin(t, { role: 'LEGAL_AID_OFFICER', agencyId: legalAgency });
    otherLegal = await createUserAndLogin(t, { role: 'LEGAL_AID_OFFICER', agencyId: (await createAgency(t, { type: 'LEGAL_AID' })).id });
    health = await createUserAndLogin(t, { role: 'HEALTH_WORKER', agencyId: healthAgency });
  });
  afterAll(() => t?.close());

  const open = async () => (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(2000)).expect(201)).body;

  it('shares exactly the consented fields, lets the centre record legal aid, and ends at consent withdrawal', async () => {
    const c = await open();
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(legal.token)).expect(404);
    const referral = await t.http().post(`/api/v1/cases/${c.id}/referrals`).set(bearer(cw.token)).send({
      toAgencyId: legalAgency,
      purpose: 'LEGAL_AID',
      sharedFields: ['victim.fullName', 'victim.dateOfBirth', 'victim.narrative', 'supportServices.type', 'supportServices.status', 'supportServices.id'],
      consentGivenBy: 'VICTIM',
      consentRecordedOn: '2026-11-05',
      consentNote: 'Đồng ý chia sẻ để được trợ giúp pháp lý',
    }).expect(201);
    expect(referral.body).toMatchObject({ status: 'ACTIVE', purpose: 'LEGAL_AID', consentNote: 'Đồng ý chia sẻ để được trợ giúp pháp lý' });

    const seen = await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(legal.token)).expect(200);
    expect(Object.keys(seen.body).sort()).toEqual(['caseNumber', 'id', 'stage', 'victim']);
    expect(Object.keys(seen.body.victim).sort()).toEqual(['dateOfBirth', 'fullName', 'narrative']);
    expect(seen.body.victim.fullName).toBe('Nguyễn Thị Lành 2000');
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(otherLegal.token)).expect(404);
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(health.token)).expect(404);
    const list = await t.http().get('/api/v1/cases').set(bearer(legal.token)).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect(Object.keys(list.body.items[0].victim)).toEqual(['fullName']);

    // The centre records the legal aid it provides — and nothing else.
    const aid = await t.http().post(`/api/v1/cases/${c.id}/support-services`).set(bearer(legal.token))
      .send({ personId: c.victim.id, type: 'LEGAL_AID', status: 'IN_PROGRESS', providerAgencyId: legalAgency, startDate: '2026-11-06' }).expect(201);
    expect(aid.body).toMatchObject({ type: 'LEGAL_AID', status: 'IN_PROGRESS' });
    await t.http().post(`/api/v1/cases/${c.id}/support-services`).set(bearer(legal.token))
      .send({ personId: c.victim.id, type: 'ESSENTIAL_NEEDS', status: 'PLANNED', providerAgencyId: legalAgency, startDate: '2026-11-06' }).expect(403);
    await t.http().patch(`/api/v1/cases/${c.id}`).set(bearer(legal.token)).set('If-Match', '"v1"').send({ summary: 'x' }).expect(403);
    await t.http().get(`/api/v1/cases/${c.id}/referrals`).set(bearer(legal.token)).expect(404);
    // Every case query shares the one scope predicate, including the overdue queue.
    const overdue = await t.http().get('/api/v1/cases/overdue').set(bearer(legal.token)).expect(200);
    expect(overdue.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([c.id]);

    // Consent withdrawn: access ends at once.
    await t.http().patch(`/api/v1/cases/${c.id}/referrals/${referral.body.id}`).set(bearer(cw.token)).set('If-Match', referral.headers.etag).send({ status: 'CONSENT_WITHDRAWN' }).expect(200);
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(legal.token)).expect(404);
    expect((await t.http().get('/api/v1/cases').set(bearer(legal.token)).expect(200)).body.items).toEqual([]);
  });

  it('refuses what consent cannot cover: a field beyond the purpose, the wrong agency type, a minor without a guardian', async () => {
    const c = await open();
    const res = await t.http().post(`/api/v1/cases/${c.id}/referrals`).set(bearer(cw.token)).send({
      toAgencyId: healthAgency, purpose: 'LEGAL_AID', sharedFields: ['victim.fullName', 'victim.ethnicity'], consentGivenBy: 'VICTIM', consentRecordedOn: '2026-11-05',
    }).expect(422);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['sharedFields[1]', 'toAgencyId']);

    const child = receptionPayload(2001);
    child.victim.dateOfBirth = '2012-05-01';
    const minorCase = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send({ ...child, accompanyingMinors: [] }).expect(201)).body;
    const minor = await t.http().post(`/api/v1/cases/${minorCase.id}/referrals`).set(bearer(cw.token)).send({
      toAgencyId: healthAgency, purpose: 'HEALTH_CARE', sharedFields: ['victim.fullName'], consentGivenBy: 'VICTIM', consentRecordedOn: '2026-11-05',
    }).expect(422);
    expect(minor.body.errors[0].field).toBe('consentGivenBy');
    await t.http().post(`/api/v1/cases/${minorCase.id}/referrals`).set(bearer(cw.token)).send({
      toAgencyId: healthAgency, purpose: 'HEALTH_CARE', sharedFields: ['victim.fullName'], consentGivenBy: 'GUARDIAN', consentRecordedOn: '2026-11-05',
    }).expect(201);
    const seen = await t.http().get(`/api/v1/cases/${minorCase.id}`).set(bearer(health.token)).expect(200);
    expect(Object.keys(seen.body.victim)).toEqual(['fullName']);
  });
});
