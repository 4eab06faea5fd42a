import { createTestApp, TestApp } from './support/app';
import { CASE_KEYS_ALL, LIST_ITEM_KEYS, LIST_VICTIM_KEYS, PERSON_KEYS_ALL, receptionPayload } from './support/case-fixtures';
import { createAgency, createUserAndLogin } from './support/identity';

/**
 * The authorization matrix of the case slice, from ONE table: role × relation to the case → the exact status
 * and the exact set of fields for every case endpoint. Relations: OWN (same agency, not assigned),
 * ASSIGNED (the case's assignee), OTHER (another agency).
 */
type Relation = 'OWN' | 'ASSIGNED' | 'OTHER';
interface Row {
  role: string;
  agency: 'SA1' | 'SA2' | 'BG' | 'POL' | 'LA' | 'HE' | 'SC';
  relation: Relation;
  get: 200 | 404;
  list: boolean;
  patch: 200 | 404;
  create: 201 | 403;
}

const MATRIX: Row[] = [
  { role: 'CASEWORKER', agency: 'SA1', relation: 'ASSIGNED', get: 200, list: true, patch: 200, create: 201 },
  { role: 'CASEWORKER', agency: 'SA1', relation: 'OWN', get: 200, list: true, patch: 200, create: 201 },
  { role: 'CASEWORKER', agency: 'SA2', relation: 'OTHER', get: 404, list: false, patch: 404, create: 201 },
  { role: 'SUPERVISOR', agency: 'SA1', relation: 'OWN', get: 200, list: true, patch: 200, create: 201 },
  { role: 'SUPERVISOR', agency: 'SA2', relation: 'OTHER', get: 404, list: false, patch: 404, create: 201 },
  { role: 'BORDER_GUARD', agency: 'BG', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'POLICE_OFFICER', agency: 'POL', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'LEGAL_AID_OFFICER', agency: 'LA', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'HEALTH_WORKER', agency: 'HE', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'STATISTICIAN', agency: 'SC', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'AUDITOR', agency: 'SA1', relation: 'OWN', get: 404, list: false, patch: 404, create: 403 },
  { role: 'AUDITOR', agency: 'SC', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
  { role: 'SYSTEM_ADMIN', agency: 'SA1', relation: 'OWN', get: 404, list: false, patch: 404, create: 403 },
  { role: 'SYSTEM_ADMIN', agency: 'SC', relation: 'OTHER', get: 404, list: false, patch: 404, create: 403 },
];

const AGENCY_TYPES = { SA1: 'SOCIAL_AFFAIRS', SA2: 'SOCIAL_AFFAIRS', BG: 'BORDER_GUARD', POL: 'POLICE', LA: 'LEGAL_AID', HE: 'HEALTH', SC: 'STEERING_COMMITTEE' } as const;
const sorted = (o: object) => Object.keys(o).sort();

describe('cases: authorization matrix (role × relation × endpoint → status and exact fields)', () => {
  let t: TestApp;
  let creator: { token: string; userId: string };
  let caseId: string;
  const agencies: Record<string, string> = {};
  const users = new Map<Row, { token: string; userId: string }>();

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const currentEtag = async () => (await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(creator.token)).expect(200)).headers.etag as string;

  beforeAll(async () => {
    t = await createTestApp();
    for (const [key, type] of Object.entries(AGENCY_TYPES)) agencies[key] = (await createAgency(t, { type })).id;
    creator = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: agencies.SA1 });
    const created = await t.http().post('/api/v1/cases').set(bearer(creator.token)).send(receptionPayload(1)).expect(201);
    caseId = created.body.id;
    for (const row of MATRIX) {
      users.set(row, row.relation === 'ASSIGNED' ? creator : await createUserAndLogin(t, { role: row.role, agencyId: agencies[row.agency] }));
    }
  });
  afterAll(() => t?.close());

  it('the creator is the assignee of the case (the ASSIGNED relation)', async () => {
    const res = await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(creator.token)).expect(200);
    expect(res.body.assignedUserId).toBe(creator.userId);
  });

  describe.each(MATRIX.map((r) => [`${r.role} ${r.relation} (${r.agency})`, r] as const))('%s', (_name, row) => {
    it(`GET /cases/:id → ${row.get}${row.get === 200 ? ' with every field' : ''}`, async () => {
      const res = await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(users.get(row)!.token));
      expect(res.status).toBe(row.get);
      if (row.get === 200) {
        expect(sorted(res.body)).toEqual(CASE_KEYS_ALL);
        expect(sorted(res.body.victim)).toEqual(PERSON_KEYS_ALL);
        expect(res.body.relatives).toEqual([]);
        expect(res.body.accompanyingMinors).toHaveLength(1);
        expect(sorted(res.body.accompanyingMinors[0])).toEqual(PERSON_KEYS_ALL);
        expect(res.body.victim.fullName).toBe('Nguyễn Thị Lành 1');
        expect(res.headers.etag).toMatch(/^"v\d+"$/);
      } else {
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.type).toMatch(/\/not-found$/);
        expect(JSON.stringify(res.body)).not.toContain('Lành');
      }
    });

    it(`GET /cases ${row.list ? 'lists' : 'does not list'} the case`, async () => {
      const res = await t.http().get('/api/v1/cases?limit=100').set(bearer(users.get(row)!.token)).expect(200);
      expect(sorted(res.body)).toEqual(['items', 'nextCursor']);
      const item = res.body.items.find((i: { id: string }) => i.id === caseId);
      if (row.list) {
        expect(sorted(item)).toEqual(LIST_ITEM_KEYS);
        expect(sorted(item.victim)).toEqual(LIST_VICTIM_KEYS);
      } else {
        expect(item).toBeUndefined();
        expect(JSON.stringify(res.body)).not.toContain('Nguyễn Thị Lành 1"');
      }
    });

    it(`PATCH /cases/:id → ${row.patch}`, async () => {
      const etag = await currentEtag();
      const res = await t
        .http()
        .patch(`/api/v1/cases/${caseId}`)
        .set(bearer(users.get(row)!.token))
        .set('If-Match', etag)
        .send({ communeCode: '06272' });
      expect(res.status).toBe(row.patch);
      if (row.patch === 200) {
        expect(res.body.communeCode).toBe('06272');
        expect(res.headers.etag).not.toBe(etag);
      }
    });

    it(`POST /cases → ${row.create}`, async () => {
      const res = await t.http().post('/api/v1/cases').set(bearer(users.get(row)!.token)).send(receptionPayload(99));
      expect(res.status).toBe(row.create);
      if (row.create === 201) expect(res.body.ownerAgencyId).toBe(agencies[row.agency]);
    });
  });

  it('an unknown id and an out-of-scope id give the same answer', async () => {
    const other = users.get(MATRIX[2])!;
    const missing = await t.http().get('/api/v1/cases/0190a000-0000-7000-8000-000000000000').set(bearer(other.token));
    const forbidden = await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(other.token));
    expect(missing.status).toBe(404);
    expect({ ...forbidden.body, instance: undefined }).toEqual({ ...missing.body, instance: undefined });
  });
});

describe('cases: CASE_SCOPE=assigned', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('caseworkers see only cases assigned to them; supervisors see the agency', async () => {
    t = await createTestApp({ CASE_SCOPE: 'assigned' });
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const assignee = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const colleague = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const supervisor = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId: sa });
    const created = await t.http().post('/api/v1/cases').set('Authorization', `Bearer ${assignee.token}`).send(receptionPayload(5)).expect(201);
    const id = created.body.id;
    await t.http().get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${assignee.token}`).expect(200);
    await t.http().get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${colleague.token}`).expect(404);
    const list = await t.http().get('/api/v1/cases').set('Authorization', `Bearer ${colleague.token}`).expect(200);
    expect(list.body.items).toEqual([]);
    const sup = await t.http().get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${supervisor.token}`).expect(200);

    // The supervisor reassigns the case to the colleague: access follows the assignment.
    await t
      .http()
      .patch(`/api/v1/cases/${id}`)
      .set('Authorization', `Bearer ${supervisor.token}`)
      .set('If-Match', sup.headers.etag)
      .send({ assignedUserId: colleague.userId })
      .expect(200);
    await t.http().get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${colleague.token}`).expect(200);
    await t.http().get(`/api/v1/cases/${id}`).set('Authorization', `Bearer ${assignee.token}`).expect(404);
  });
});
