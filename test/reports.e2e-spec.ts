import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

describe('reports: quarterly province summary (aggregates only, small cells suppressed)', () => {
  let t: TestApp;
  let stat: TestUser;
  let cw: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
    stat = await createUserAndLogin(t, { role: 'STATISTICIAN', agencyId: (await createAgency(t, { type: 'STEERING_COMMITTEE' })).id });
    for (let i = 0; i < 7; i++) {
      const body = receptionPayload(1600 + i);
      body.receivedAt = '2026-10-0' + (i + 1) + 'T09:00:00+07:00';
      if (i === 6) body.victim.sex = 'MALE';
      await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(body).expect(201);
    }
    // Received just before the quarter in Viet Nam time (30 Sep 23:30 +07:00): must not count in Q4.
    const early = receptionPayload(1699);
    early.receivedAt = '2026-09-30T23:30:00+07:00';
    await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(early).expect(201);
  });
  afterAll(() => t?.close());

  it('counts by dimension with quarter boundaries in Viet Nam time, suppressing counts of 1–4', async () => {
    const res = await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=4').set(bearer(stat.token)).expect(200);
    expect(res.body.casesReceived).toBe(7);
    expect(res.body.byChannel).toEqual({ FOREIGN_HANDOVER: 7 });
    // 6 women and 1 man: the single man is suppressed, and so is the complementary cell.
    expect(res.body.bySex).toEqual({ FEMALE: null, MALE: null });
    expect(res.body.byExploitationForm).toEqual({ FORCED_MARRIAGE: 7 });
    expect(JSON.stringify(res.body)).not.toMatch(/Lành|Nguyễn/);
  });

  it('a quarter with fewer than 5 cases publishes no number at all', async () => {
    const res = await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=3').set(bearer(stat.token)).expect(200);
    expect(res.body.casesReceived).toBeNull();
    expect(Object.values(res.body.bySex).every((v) => v === null)).toBe(true);
  });

  it('only statisticians and supervisors, only for their own province; bad parameters are 400', async () => {
    await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=4').set(bearer(cw.token)).expect(403);
    await t.http().get('/api/v1/reports/province-summary?provinceCode=01&year=2026&quarter=4').set(bearer(stat.token)).expect(403);
    const bad = await t.http().get('/api/v1/reports/province-summary?provinceCode=99&year=2026&quarter=5').set(bearer(stat.token)).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['provinceCode', 'quarter']);
  });
});
