import { createTestApp, TestApp } from './support/app';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

/**
 * One person's whole journey across the roles of the 2024 law: a border unit receives a group at the gate,
 * social affairs receives the possible victim, the police verify and identify, social affairs supports,
 * reintegrates and closes; the auditor verifies the trail. Each role sees only what it must.
 */
describe('journey: border handover → case → verification → identification → support → reintegration → closure', () => {
  let t: TestApp;
  let guard: TestUser;
  let cw: TestUser;
  let sup: TestUser;
  let police: TestUser;
  let auditor: TestUser;
  let sa: string;
  let policeAgency: string;

  beforeAll(async () => {
    t = await createTestApp();
    sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS', name: 'Phòng Bảo trợ xã hội — Sở Y tế Lạng Sơn' })).id;
    policeAgency = (await createAgency(t, { type: 'POLICE', name: 'Công an tỉnh Lạng Sơn' })).id;
    guard = await createUserAndLogin(t, { role: 'BORDER_GUARD', agencyId: (await createAgency(t, { type: 'BORDER_GUARD', name: 'Đồn Biên phòng cửa khẩu Hữu Nghị' })).id });
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    sup = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId: sa });
    police = await createUserAndLogin(t, { role: 'POLICE_OFFICER', agencyId: policeAgency });
    auditor = await createUserAndLogin(t, { role: 'AUDITOR', agencyId: (await createAgency(t, { type: 'STEERING_COMMITTEE' })).id });
  });
  afterAll(() => t?.close());

  it('runs end to end with the right data at each hand', async () => {
    // 1. Border guard: handover of a group of two; one possible victim.
    const handover = await t.http().post('/api/v1/handovers').set(bearer(guard.token)).send({
      foreignAuthority: 'Công an thành phố Bằng Tường', country: 'CN', borderGate: 'Cửa khẩu quốc tế Hữu Nghị', handedOverAt: '2026-11-02T09:00:00+07:00',
      receivingAgencyId: sa, officers: [{ name: 'Đại úy Nông Văn Thắng' }], documents: [{ type: 'HANDOVER_RECORD', count: 1 }],
      persons: [
        { fullName: 'Hà Thị Nhung', birthYear: 2005, sex: 'FEMALE', nationality: 'VN', screeningOutcome: 'POSSIBLE_VICTIM', nonPunishmentNote: 'Không xử phạt' },
        { fullName: 'Lý Văn Páo', birthYear: 1985, sex: 'MALE', nationality: 'VN', screeningOutcome: 'OTHER' },
      ],
    }).expect(201);
    const caseId = handover.body.cases[0].id;

    // 2. Social affairs: receives, starts support at once (a person being identified is protected), asks the police.
    const received = await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(cw.token)).expect(200);
    expect(received.body.victim.fullName).toBe('Hà Thị Nhung');
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(cw.token)).send({ to: 'INITIAL_VERIFICATION' }).expect(200);
    const essentials = await t.http().post(`/api/v1/cases/${caseId}/support-services`).set(bearer(cw.token))
      .send({ personId: received.body.victim.id, type: 'ESSENTIAL_NEEDS', status: 'DELIVERED', providerAgencyId: sa, startDate: '2026-11-02' }).expect(201);
    expect(essentials.body.status).toBe('DELIVERED');
    const requested = await t.http().post(`/api/v1/cases/${caseId}/verification-tasks`).set(bearer(cw.token)).send({ assignedAgencyId: policeAgency }).expect(201);

    // 3. Police: sees the police view, identifies the victim.
    const queue = await t.http().get('/api/v1/verification-tasks').set(bearer(police.token)).expect(200);
    const task = queue.body.items.find((i: { caseId: string }) => i.caseId === caseId);
    const policeView = await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(police.token)).expect(200);
    expect(policeView.body.summary).toBeUndefined();
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(police.token)).send({ to: 'IN_IDENTIFICATION' }).expect(200);
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(police.token))
      .send({ to: 'IDENTIFIED_VICTIM', decision: { documentType: 'CONCLUSION', issuer: 'Công an tỉnh Lạng Sơn', number: '77/KL', date: '2026-11-10', evidenceBases: ['FOREIGN_AUTHORITY_DOCUMENTS'] } }).expect(200);
    expect(task.id).toBe(requested.body.id);
    await t.http().patch(`/api/v1/cases/${caseId}/verification-tasks/${task.id}`).set(bearer(police.token)).set('If-Match', requested.headers.etag).send({ status: 'COMPLETED', findings: 'Phù hợp' }).expect(200);
    await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(police.token)).expect(404);

    // 4. Social affairs: the full Article 37 entitlement now; vocational training; reintegration; closure.
    const ent = await t.http().get(`/api/v1/cases/${caseId}/entitlements`).set(bearer(cw.token)).expect(200);
    expect(ent.body.persons[0]).toMatchObject({ status: 'IDENTIFIED_VICTIM', received: ['ESSENTIAL_NEEDS'] });
    expect(ent.body.persons[0].entitled).toHaveLength(11);
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(cw.token)).send({ to: 'SUPPORT' }).expect(200);
    await t.http().post(`/api/v1/cases/${caseId}/support-services`).set(bearer(cw.token))
      .send({ personId: received.body.victim.id, type: 'VOCATIONAL_TRAINING', status: 'DELIVERED', providerAgencyId: sa, startDate: '2026-11-12', applicationSubmittedOn: '2026-11-12' }).expect(201);
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(cw.token)).send({ to: 'REINTEGRATION' }).expect(200);
    await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(cw.token)).send({ to: 'CLOSED', reason: 'Ổn định' }).expect(409);
    const closed = await t.http().post(`/api/v1/cases/${caseId}/transitions`).set(bearer(sup.token)).send({ to: 'CLOSED', reason: 'Đã tái hòa nhập, có việc làm ổn định' }).expect(200);
    expect(closed.body.stage).toBe('CLOSED');

    // 5. The border unit still sees only the number and the stage; the person screened OTHER never became a case.
    const fromGate = await t.http().get(`/api/v1/handovers/${handover.body.id}`).set(bearer(guard.token)).expect(200);
    expect(fromGate.body.cases).toEqual([{ id: caseId, caseNumber: handover.body.cases[0].caseNumber, stage: 'CLOSED', personIndex: 0 }]);
    expect((await t.http().get('/api/v1/cases').set(bearer(cw.token)).expect(200)).body.items).toHaveLength(1);

    // 6. The auditor: every step is in the trail, the chain verifies, no personal value in it.
    const events = await t.http().get(`/api/v1/audit/events?resourceId=${caseId}&limit=100`).set(bearer(auditor.token)).expect(200);
    const actions = events.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case.create', 'case.read', 'case.transition', 'support.create', 'verification.create', 'verification.update', 'entitlements.read']));
    expect(JSON.stringify(events.body)).not.toMatch(/Nhung|Páo|Thắng/);
    const verify = await t.http().get('/api/v1/audit/verify?mode=full').set(bearer(auditor.token)).expect(200);
    expect(verify.body).toMatchObject({ valid: true, firstBroken: null });
  });
});
