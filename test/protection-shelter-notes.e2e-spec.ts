import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

describe('protection measures, shelter stays and case notes', () => {
  let t: TestApp;
  let cw: TestUser;
  let other: TestUser;
  let sa: string;
  let shelter: string;
  let c: { id: string; victim: { id: string }; accompanyingMinors: Array<{ id: string }> };

  beforeAll(async () => {
    t = await createTestApp();
    sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    shelter = (await createAgency(t, { type: 'SHELTER' })).id;
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    other = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
    c = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(1700)).expect(201)).body;
  });
  afterAll(() => t?.close());

  const url = (part: string) => `/api/v1/cases/${c.id}/${part}`;

  it('records protection measures; a refusal needs a written commitment', async () => {
    const ok = await t.http().post(url('protection-measures')).set(bearer(cw.token))
      .send({ personId: c.victim.id, type: 'CONFIDENTIAL_RESIDENCE', decidedByAgencyId: sa, startDate: '2026-10-03', note: 'Không tiết lộ nơi ở cho người lạ' }).expect(201);
    expect(ok.body).toMatchObject({ type: 'CONFIDENTIAL_RESIDENCE', refused: false, note: 'Không tiết lộ nơi ở cho người lạ' });
    const bad = await t.http().post(url('protection-measures')).set(bearer(cw.token))
      .send({ personId: c.victim.id, type: 'ESCORT', decidedByAgencyId: sa, startDate: '2026-10-03', refused: true }).expect(422);
    expect(bad.body.errors[0].field).toBe('refusalCommitment');
    await t.http().post(url('protection-measures')).set(bearer(cw.token))
      .send({ personId: c.victim.id, type: 'ESCORT', decidedByAgencyId: sa, startDate: '2026-10-03', refused: true, refusalCommitment: 'Tôi tự nguyện từ chối, tự chịu trách nhiệm' }).expect(201);
    const list = await t.http().get(url('protection-measures')).set(bearer(cw.token)).expect(200);
    expect(list.body.items).toHaveLength(2);
    const ended = await t.http().patch(url(`protection-measures/${ok.body.id}`)).set(bearer(cw.token)).set('If-Match', ok.headers.etag).send({ endDate: '2026-12-01' }).expect(200);
    expect(ended.body.endDate).toBe('2026-12-01');
  });

  it('a shelter stay plans the exit at the 120-day limit; an extension needs a reason and moves it', async () => {
    const stay = await t.http().post(url('shelter-stays')).set(bearer(cw.token)).send({ personId: c.accompanyingMinors[0].id, facilityAgencyId: shelter, admittedOn: '2026-10-02' }).expect(201);
    expect(stay.body).toMatchObject({ admittedOn: '2026-10-02', plannedExitOn: '2027-01-30', extensionDays: 0 });
    const noReason = await t.http().patch(url(`shelter-stays/${stay.body.id}`)).set(bearer(cw.token)).set('If-Match', stay.headers.etag).send({ extensionDays: 30 }).expect(422);
    expect(noReason.body.errors[0].field).toBe('extensionReason');
    const extended = await t.http().patch(url(`shelter-stays/${stay.body.id}`)).set(bearer(cw.token)).set('If-Match', stay.headers.etag)
      .send({ extensionDays: 30, extensionReason: 'Chưa có nơi ở an toàn để trở về' }).expect(200);
    expect(extended.body).toMatchObject({ plannedExitOn: '2027-03-01', extensionDays: 30, extensionReason: 'Chưa có nơi ở an toàn để trở về' });
    await t.http().patch(url(`shelter-stays/${stay.body.id}`)).set(bearer(cw.token)).set('If-Match', stay.headers.etag).send({ dischargedOn: '2027-01-15' }).expect(412);
    const police = (await createAgency(t, { type: 'POLICE' })).id;
    const wrong = await t.http().post(url('shelter-stays')).set(bearer(cw.token)).send({ personId: c.victim.id, facilityAgencyId: police, admittedOn: '2026-10-02' }).expect(422);
    expect(wrong.body.errors[0].field).toBe('facilityAgencyId');
  });

  it('notes are encrypted under the case key and listed for the owning agency only', async () => {
    await t.http().post(url('notes')).set(bearer(cw.token)).send({ body: 'Đã gặp gia đình tại xã, gia đình đồng ý đón về' }).expect(201);
    const notes = await t.http().get(url('notes')).set(bearer(cw.token)).expect(200);
    expect(notes.body.items.map((n: { body: string }) => n.body)).toEqual(['Đã gặp gia đình tại xã, gia đình đồng ý đón về']);
    expect(notes.body.items[0].createdBy).toBe(cw.userId);
    for (const part of ['notes', 'shelter-stays', 'protection-measures']) await t.http().get(url(part)).set(bearer(other.token)).expect(404);
    const dump = JSON.stringify(await t.sql('SELECT * FROM case_notes')) + JSON.stringify(await t.sql('SELECT * FROM shelter_stays')) + JSON.stringify(await t.sql('SELECT * FROM protection_measures'));
    for (const s of ['gia đình đồng ý', 'nơi ở an toàn', 'tự chịu trách nhiệm', 'Không tiết lộ']) expect(dump).not.toContain(s);
  });
});

describe('Idempotency-Key on the creates of case parts', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('a retried create returns the original record; the same key with another body is 422', async () => {
    t = await createTestApp();
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const police = (await createAgency(t, { type: 'POLICE' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const c = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(1750)).expect(201)).body;
    const post = (part: string, key: string, body: object) => t.http().post(`/api/v1/cases/${c.id}/${part}`).set(bearer(cw.token)).set('Idempotency-Key', key).send(body);
    const cases: Array<[string, object, object, string]> = [
      ['notes', { body: 'Ghi chú lần một' }, { body: 'Ghi chú khác' }, 'case_notes'],
      ['support-services', { personId: c.victim.id, type: 'MEDICAL', status: 'PLANNED', providerAgencyId: sa, startDate: '2026-10-03' }, { personId: c.victim.id, type: 'MEDICAL', status: 'DELIVERED', providerAgencyId: sa, startDate: '2026-10-03' }, 'support_services'],
      ['verification-tasks', { assignedAgencyId: police }, { assignedAgencyId: police, dueOn: '2026-12-01' }, 'verification_tasks'],
      ['shelter-stays', { personId: c.victim.id, facilityAgencyId: sa, admittedOn: '2026-10-02' }, { personId: c.victim.id, facilityAgencyId: sa, admittedOn: '2026-10-03' }, 'shelter_stays'],
    ];
    for (const [part, body, other, table] of cases) {
      const first = await post(part, `k-${part}`, body).expect(201);
      const again = await post(part, `k-${part}`, body).expect(201);
      expect(again.body).toEqual(first.body);
      await post(part, `k-${part}`, other).expect(422);
      expect((await t.sql(`SELECT count(*)::int AS n FROM ${table}`))[0].n).toBe(1);
    }
  });
});
