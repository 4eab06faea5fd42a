import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin } from './support/identity';

describe('overdue queue', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t?.close());

  it('lists passed legal deadlines in scope only, earliest first', async () => {
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const police = (await createAgency(t, { type: 'POLICE' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const other = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
    const old = receptionPayload(1800); // received 2026-10-02 → initial verification due 2026-10-05
    const stale = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(old).expect(201)).body;
    const fresh = receptionPayload(1801);
    fresh.receivedAt = new Date().toISOString();
    const recent = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(fresh).expect(201)).body;
    await t.http().post(`/api/v1/cases/${recent.id}/verification-tasks`).set(bearer(cw.token)).send({ assignedAgencyId: police, dueOn: '2026-10-10' }).expect(201);

    const res = await t.http().get('/api/v1/cases/overdue').set(bearer(cw.token)).expect(200);
    expect(res.body.items).toEqual([
      { caseId: stale.id, caseNumber: stale.caseNumber, stage: 'RECEIVED', kind: 'INITIAL_VERIFICATION', dueOn: '2026-10-05', daysOverdue: expect.any(Number) },
      { caseId: recent.id, caseNumber: recent.caseNumber, stage: 'RECEIVED', kind: 'VERIFICATION_TASK', dueOn: '2026-10-10', daysOverdue: expect.any(Number) },
    ]);
    expect(res.body.items[0].daysOverdue).toBeGreaterThan(0);
    expect((await t.http().get('/api/v1/cases/overdue').set(bearer(other.token)).expect(200)).body.items).toEqual([]);

    // Moving on from verification clears the initial-verification deadline.
    await t.http().post(`/api/v1/cases/${stale.id}/transitions`).set(bearer(cw.token)).send({ to: 'SUPPORT' }).expect(200);
    const after = await t.http().get('/api/v1/cases/overdue').set(bearer(cw.token)).expect(200);
    expect(after.body.items.map((i: { kind: string }) => i.kind)).toEqual(['VERIFICATION_TASK']);
  });
});
