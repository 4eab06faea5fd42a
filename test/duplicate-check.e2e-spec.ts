import { revealsOutOfScope, revealsOutOfScopeSql } from '../src/access/out-of-scope-disclosure';
import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

describe('duplicate check (blind indexes, server-side confirmation, narrow out-of-scope answer)', () => {
  let t: TestApp;
  let mine: TestUser;
  let elsewhere: TestUser;
  let auditor: TestUser;
  let myCase: { id: string; caseNumber: string; victim: { id: string } };
  let agencyName: string;

  beforeAll(async () => {
    t = await createTestApp();
    agencyName = 'Phòng Bảo trợ xã hội tỉnh Lạng Sơn (test)';
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS', name: agencyName })).id;
    mine = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    elsewhere = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS', provinceCode: '04' })).id });
    auditor = await createUserAndLogin(t, { role: 'AUDITOR', agencyId: sa });
    const body = receptionPayload(1500);
    body.victim.fullName = 'Nguyễn Thị Lan';
    body.victim.dateOfBirth = '2004-03-17';
    body.victim.idNumber = '020304000777';
    body.victim.phone = '0912 345 678';
    myCase = (await t.http().post('/api/v1/cases').set(bearer(mine.token)).send(body).expect(201)).body;
    // Noise: other people, some sharing truncated index values by chance.
    for (let i = 0; i < 5; i++) await t.http().post('/api/v1/cases').set(bearer(mine.token)).send(receptionPayload(1510 + i)).expect(201);
  });
  afterAll(() => t?.close());

  const check = (user: TestUser, body: object) => t.http().post('/api/v1/cases/duplicate-check').set(bearer(user.token)).send({ purpose: 'RECEPTION', ...body });

  it('finds the person in scope whatever the spelling (no diacritics, capitals, NFD)', async () => {
    for (const fullName of ['NGUYEN THI LAN', 'nguyen  thi lan', 'Nguyễn Thị Lan'.normalize('NFD')]) {
      const res = await check(mine, { fullName, birthYear: 2004 }).expect(200);
      expect(res.body.matches).toEqual([{ caseId: myCase.id, caseNumber: myCase.caseNumber, personId: myCase.victim.id, matchedOn: ['name', 'name_birth_year'] }]);
    }
    const byPhone = await check(mine, { fullName: 'Trần Văn B', phone: '+84 912 345 678' }).expect(200);
    expect(byPhone.body.matches[0].matchedOn).toEqual(['phone']);
  });

  it('a name alone finds same-name persons in scope only when the caller gives nothing else to match on', async () => {
    const nameOnly = await check(mine, { fullName: 'nguyen thi lan' }).expect(200);
    expect(nameOnly.body.matches).toEqual([{ caseId: myCase.id, caseNumber: myCase.caseNumber, personId: myCase.victim.id, matchedOn: ['name'] }]);
    // With a birth year, a same-name person must share it (or an ID number / phone): a common name is shared by thousands.
    const otherYear = await check(mine, { fullName: 'nguyen thi lan', birthYear: 1990 }).expect(200);
    expect(otherYear.body.matches).toEqual([]);
    const samePhone = await check(mine, { fullName: 'nguyen thi lan', birthYear: 1990, phone: '0912345678' }).expect(200);
    expect(samePhone.body.matches).toEqual([{ caseId: myCase.id, caseNumber: myCase.caseNumber, personId: myCase.victim.id, matchedOn: ['name', 'phone'] }]);
    const outOfScope = await check(elsewhere, { fullName: 'nguyen thi lan' }).expect(200);
    expect(outOfScope.body).toEqual({ matches: [], possibleMatchesElsewhere: [] });
  });

  it('the disclosure rule says the same in SQL (candidate filter) and in code (decision), for every set of hits', async () => {
    const kinds = ['name', 'name_birth_year', 'id_number', 'phone'];
    const subsets = Array.from({ length: 16 }, (_, mask) => kinds.filter((_, i) => mask & (1 << i)));
    const rows = await t.sql(`SELECT i, ${revealsOutOfScopeSql('k.kinds')} AS reveals FROM unnest($1::text[]) WITH ORDINALITY AS u(j, i), LATERAL (SELECT string_to_array(j, ',') AS kinds) k ORDER BY i`, [subsets.map((x) => x.join(','))]);
    expect(rows.map((r) => r.reveals)).toEqual(subsets.map((x) => revealsOutOfScope(x)));
    expect(subsets.filter((x) => revealsOutOfScope(x)).length).toBe(6); // name_birth_year with ID number, phone or both (× name)
  });

  it('out of scope: nothing on a name alone; only the agency when name + birth year and an ID number agree', async () => {
    const weak = await check(elsewhere, { fullName: 'Nguyen Thi Lan', birthYear: 2004 }).expect(200);
    expect(weak.body).toEqual({ matches: [], possibleMatchesElsewhere: [] });
    const strong = await check(elsewhere, { fullName: 'Nguyen Thi Lan', birthYear: 2004, idNumber: '020304000777' }).expect(200);
    expect(strong.body.matches).toEqual([]);
    expect(strong.body.possibleMatchesElsewhere).toEqual([{ agencyId: expect.any(String), agencyName }]);
    expect(JSON.stringify(strong.body)).not.toContain(myCase.id);
    expect(JSON.stringify(strong.body)).not.toContain(myCase.caseNumber);
  });

  it('needs a purpose, is audited with it, and is refused to roles without case duties', async () => {
    const noPurpose = await t.http().post('/api/v1/cases/duplicate-check').set(bearer(mine.token)).send({ fullName: 'Nguyen Thi Lan' }).expect(400);
    expect(noPurpose.body.errors[0].field).toBe('purpose');
    await check(auditor, { fullName: 'Nguyen Thi Lan' }).expect(403);
    const events = await t.sql(`SELECT purpose, canonical FROM audit_events WHERE action = 'case.duplicate_check'`);
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.every((e) => e.purpose === 'RECEPTION')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/Lan|0912|020304000777/);
  });
});
