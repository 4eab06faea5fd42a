import { createTestApp, TestApp } from './support/app';
import { PERSON_KEYS_ALL, receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

/** The police view of a case, written out literally (what verification needs — no support, summary or ethnicity). */
const POLICE_CASE_KEYS = ['id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode', 'exploitationForms', 'destinationCountry', 'victim', 'accompanyingMinors'].sort();
const POLICE_VICTIM_KEYS = ['id', 'sex', 'nationality', 'location', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone', 'address', 'narrative'].sort();
const POLICE_MINOR_KEYS = ['id', 'relation', 'sex', 'nationality', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear'].sort();
const decision = { documentType: 'CONCLUSION', issuer: 'Công an tỉnh Lạng Sơn', number: '301/KL-PC02', date: '2026-11-01', evidenceBases: ['STATEMENT_OF_PERSON', 'FOREIGN_AUTHORITY_DOCUMENTS'] };

describe('verification and identification by the police (VERIFICATION_TASK reason)', () => {
  let t: TestApp;
  let cw: TestUser;
  let police: TestUser;
  let otherPolice: TestUser;
  let policeAgency: string;

  beforeAll(async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    policeAgency = (await createAgency(t, { type: 'POLICE' })).id;
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    police = await createUserAndLogin(t, { role: 'POLICE_OFFICER', agencyId: policeAgency });
    otherPolice = await createUserAndLogin(t, { role: 'POLICE_OFFICER', agencyId: (await createAgency(t, { type: 'POLICE' })).id });
  });
  afterAll(() => t?.close());

  it('police see nothing until asked; then exactly the police view; access ends with the task', async () => {
    const c = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(1400)).expect(201)).body;
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(police.token)).expect(404);

    await t.http().post(`/api/v1/cases/${c.id}/transitions`).set(bearer(cw.token)).send({ to: 'INITIAL_VERIFICATION' }).expect(200);
    const task = await t.http().post(`/api/v1/cases/${c.id}/verification-tasks`).set(bearer(cw.token)).send({ assignedAgencyId: policeAgency }).expect(201);
    expect(task.body).toMatchObject({ status: 'OPEN', assignedAgencyId: policeAgency, overdue: false });
    expect(task.body.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const queue = await t.http().get('/api/v1/verification-tasks').set(bearer(police.token)).expect(200);
    expect(queue.body.items).toEqual([expect.objectContaining({ id: task.body.id, caseId: c.id, caseNumber: c.caseNumber })]);
    expect((await t.http().get('/api/v1/verification-tasks').set(bearer(otherPolice.token)).expect(200)).body.items).toEqual([]);

    const seen = await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(police.token)).expect(200);
    expect(Object.keys(seen.body).sort()).toEqual(POLICE_CASE_KEYS);
    expect(Object.keys(seen.body.victim).sort()).toEqual(POLICE_VICTIM_KEYS);
    expect(Object.keys(seen.body.accompanyingMinors[0]).sort()).toEqual(POLICE_MINOR_KEYS);
    expect(PERSON_KEYS_ALL).toContain('ethnicity'); // the caseworker's view has it; the police view does not
    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(otherPolice.token)).expect(404);
    await t.http().patch(`/api/v1/cases/${c.id}`).set(bearer(police.token)).set('If-Match', seen.headers.etag).send({ summary: 'x' }).expect(403);
    await t.http().get(`/api/v1/cases/${c.id}/support-services`).set(bearer(police.token)).expect(404);

    // The police move the case into identification and record the decision.
    await t.http().post(`/api/v1/cases/${c.id}/transitions`).set(bearer(police.token)).send({ to: 'IN_IDENTIFICATION' }).expect(200);
    const decided = await t.http().post(`/api/v1/cases/${c.id}/transitions`).set(bearer(police.token)).send({ to: 'IDENTIFIED_VICTIM', decision }).expect(200);
    expect(decided.body.identificationOutcome).toBe('IDENTIFIED_VICTIM');

    const url = `/api/v1/cases/${c.id}/verification-tasks/${task.body.id}`;
    await t.http().patch(url).set(bearer(cw.token)).set('If-Match', task.headers.etag).send({ status: 'COMPLETED' }).expect(403);
    const done = await t.http().patch(url).set(bearer(police.token)).set('If-Match', task.headers.etag).send({ status: 'COMPLETED', findings: 'Lời khai phù hợp với tài liệu phía Trung Quốc bàn giao' }).expect(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED', findings: 'Lời khai phù hợp với tài liệu phía Trung Quốc bàn giao' });

    await t.http().get(`/api/v1/cases/${c.id}`).set(bearer(police.token)).expect(404);
    const owner = await t.http().get(`/api/v1/cases/${c.id}/verification-tasks`).set(bearer(cw.token)).expect(200);
    expect(owner.body.items[0].findings).toBe('Lời khai phù hợp với tài liệu phía Trung Quốc bàn giao');
    expect(JSON.stringify(await t.sql('SELECT * FROM verification_tasks'))).not.toContain('Lời khai');
  });

  it('the assigned agency must be a police agency (422 naming the field)', async () => {
    const c = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(1401)).expect(201)).body;
    const sa2 = (await createAgency(t, { type: 'LEGAL_AID' })).id;
    const res = await t.http().post(`/api/v1/cases/${c.id}/verification-tasks`).set(bearer(cw.token)).send({ assignedAgencyId: sa2 }).expect(422);
    expect(res.body.errors[0].field).toBe('assignedAgencyId');
    await t.http().post(`/api/v1/cases/${c.id}/verification-tasks`).set(bearer(police.token)).send({ assignedAgencyId: policeAgency }).expect(404);
  });
});
