import { createTestApp, TestApp } from './support/app';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

const handover = (receivingAgencyId: string) => ({
  foreignAuthority: 'Cục Quản lý xuất nhập cảnh Bằng Tường, Quảng Tây',
  country: 'CN',
  borderGate: 'Cửa khẩu quốc tế Hữu Nghị',
  handedOverAt: '2026-11-18T10:00:00+07:00',
  receivingAgencyId,
  officers: [{ name: 'Thiếu tá Hoàng Văn Dũng', unit: 'Đồn Biên phòng cửa khẩu quốc tế Hữu Nghị' }],
  documents: [{ type: 'HANDOVER_RECORD', count: 1, reference: 'BB 12/2026' }, { type: 'LIST_OF_PERSONS', count: 1 }],
  persons: [
    {
      fullName: 'Lò Thị Mai',
      birthYear: 2003,
      sex: 'FEMALE',
      nationality: 'VN',
      idNumber: '014303009876',
      healthOnArrival: 'Suy nhược, có vết bầm tím',
      screeningOutcome: 'POSSIBLE_VICTIM',
      nonPunishmentNote: 'Không xử phạt hành vi xuất cảnh trái phép',
      accompanyingMinors: [{ fullName: 'Lò Văn Tùng', birthYear: 2024, sex: 'MALE', nationality: 'XX', relation: 'CHILD' }],
    },
    { fullName: 'Vàng Seo Chứ', birthYear: 1990, sex: 'MALE', nationality: 'VN', screeningOutcome: 'NOT_VICTIM' },
    { fullName: 'Sùng Thị Dua', birthYear: 1998, sex: 'FEMALE', nationality: 'VN', screeningOutcome: 'OTHER', healthOnArrival: 'Bình thường' },
  ],
});

describe('border handovers', () => {
  let t: TestApp;
  let guard: TestUser;
  let otherGuard: TestUser;
  let cw: TestUser;
  let sa: string;
  let result: { id: string; cases: Array<{ id: string; caseNumber: string; personIndex: number }> };

  beforeAll(async () => {
    t = await createTestApp();
    sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    guard = await createUserAndLogin(t, { role: 'BORDER_GUARD', agencyId: (await createAgency(t, { type: 'BORDER_GUARD' })).id });
    otherGuard = await createUserAndLogin(t, { role: 'BORDER_GUARD', agencyId: (await createAgency(t, { type: 'BORDER_GUARD' })).id });
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const res = await t.http().post('/api/v1/handovers').set(bearer(guard.token)).set('Idempotency-Key', 'bb-12-2026').send(handover(sa)).expect(201);
    result = res.body;
  });
  afterAll(() => t?.close());

  it('turns each possible victim (only) into a case at the receiving agency, channel FOREIGN_HANDOVER', async () => {
    expect(Object.keys(result).sort()).toEqual(['cases', 'id']);
    expect(result.cases).toHaveLength(1);
    expect(result.cases[0]).toMatchObject({ personIndex: 0, caseNumber: expect.stringMatching(/^20-2026-\d{6}$/) });
    const c = await t.http().get(`/api/v1/cases/${result.cases[0].id}`).set(bearer(cw.token)).expect(200);
    expect(c.body).toMatchObject({ channel: 'FOREIGN_HANDOVER', ownerAgencyId: sa, stage: 'RECEIVED', destinationCountry: 'CN' });
    expect(c.body.victim).toMatchObject({ fullName: 'Lò Thị Mai', birthYear: 2003, idNumber: '014303009876', location: 'IN_VIETNAM' });
    expect(c.body.accompanyingMinors.map((m: { fullName: string }) => m.fullName)).toEqual(['Lò Văn Tùng']);
    const list = JSON.stringify((await t.http().get('/api/v1/cases').set(bearer(cw.token)).expect(200)).body);
    expect(list).not.toContain('Vàng Seo Chứ');
    expect(list).not.toContain('Sùng Thị Dua');
  });

  it('a retried handover (same Idempotency-Key) creates no second group and no second case', async () => {
    const again = await t.http().post('/api/v1/handovers').set(bearer(guard.token)).set('Idempotency-Key', 'bb-12-2026').send(handover(sa)).expect(201);
    expect(again.body).toEqual(result);
    const [{ n }] = await t.sql(`SELECT count(*)::int AS n FROM cases WHERE source_handover_id IS NOT NULL`);
    const [{ h }] = await t.sql(`SELECT count(*)::int AS h FROM handovers`);
    expect([n, h]).toEqual([1, 1]);
  });

  it('the recording unit sees its roll call (every person, decrypted) and only number + stage of the spawned case', async () => {
    const h = await t.http().get(`/api/v1/handovers/${result.id}`).set(bearer(guard.token)).expect(200);
    expect(h.body.persons.map((p: { fullName: string; screeningOutcome: string }) => [p.fullName, p.screeningOutcome])).toEqual([
      ['Lò Thị Mai', 'POSSIBLE_VICTIM'],
      ['Vàng Seo Chứ', 'NOT_VICTIM'],
      ['Sùng Thị Dua', 'OTHER'],
    ]);
    expect(h.body.persons[0]).toMatchObject({ healthOnArrival: 'Suy nhược, có vết bầm tím', caseId: result.cases[0].id });
    expect(h.body.officers[0].name).toBe('Thiếu tá Hoàng Văn Dũng');
    expect(h.body.cases).toEqual([{ id: result.cases[0].id, caseNumber: result.cases[0].caseNumber, stage: 'RECEIVED', personIndex: 0 }]);

    const c = await t.http().get(`/api/v1/cases/${result.cases[0].id}`).set(bearer(guard.token)).expect(200);
    expect(Object.keys(c.body).sort()).toEqual(['caseNumber', 'id', 'stage']);
    const list = await t.http().get('/api/v1/cases').set(bearer(guard.token)).expect(200);
    expect(list.body.items.map((i: object) => Object.keys(i).sort())).toEqual([['caseNumber', 'id', 'stage']]);
    await t.http().patch(`/api/v1/cases/${result.cases[0].id}`).set(bearer(guard.token)).set('If-Match', '"v1"').send({ summary: 'x' }).expect(403);
    const handovers = await t.http().get('/api/v1/handovers').set(bearer(guard.token)).expect(200);
    expect(handovers.body.items).toHaveLength(1);
    expect(handovers.body.items[0].cases[0].stage).toBe('RECEIVED');
    expect(handovers.body.items[0].persons).toBeUndefined();
  });

  it('the receiving agency sees the handover header only — never the persons screened out', async () => {
    const h = await t.http().get(`/api/v1/handovers/${result.id}`).set(bearer(cw.token)).expect(200);
    expect(h.body.persons).toBeUndefined();
    expect(h.body.officers).toBeUndefined();
    expect(JSON.stringify(h.body)).not.toContain('Vàng Seo Chứ');
    expect(h.body).toMatchObject({ id: result.id, borderGate: 'Cửa khẩu quốc tế Hữu Nghị', personCount: 3 });
  });

  it('another border unit sees neither the handover nor the case; other roles cannot record handovers', async () => {
    await t.http().get(`/api/v1/handovers/${result.id}`).set(bearer(otherGuard.token)).expect(404);
    await t.http().get(`/api/v1/cases/${result.cases[0].id}`).set(bearer(otherGuard.token)).expect(404);
    expect((await t.http().get('/api/v1/handovers').set(bearer(otherGuard.token)).expect(200)).body.items).toEqual([]);
    await t.http().post('/api/v1/handovers').set(bearer(cw.token)).send(handover(sa)).expect(403);
  });

  it('the receiving agency must be a social-affairs agency or shelter (422 naming the field); nothing is written', async () => {
    const police = (await createAgency(t, { type: 'POLICE' })).id;
    const res = await t.http().post('/api/v1/handovers').set(bearer(guard.token)).send(handover(police)).expect(422);
    expect(res.body.errors[0].field).toBe('receivingAgencyId');
    const [{ h }] = await t.sql(`SELECT count(*)::int AS h FROM handovers`);
    expect(h).toBe(1);
  });

  it('stores every person of the roll call encrypted (no plaintext names, ID numbers or health notes)', async () => {
    const dump = JSON.stringify(await t.sql('SELECT * FROM handovers')) + JSON.stringify(await t.sql('SELECT * FROM handover_persons'));
    for (const s of ['Vàng Seo Chứ', 'Sùng Thị Dua', 'Lò Thị Mai', '014303009876', 'Suy nhược', 'Hoàng Văn Dũng', 'BB 12/2026']) expect(dump).not.toContain(s);
    const hex = (await t.sql(`SELECT encode(full_name_enc, 'hex') AS h FROM handover_persons`)).map((r) => r.h).join();
    expect(hex).not.toContain(Buffer.from('Vàng Seo').toString('hex'));
  });
});
