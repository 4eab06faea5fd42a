import type { Response } from 'supertest';
import { CASE_KEYS_ALL, LIST_ITEM_KEYS, LIST_VICTIM_KEYS, PERSON_KEYS_ALL, receptionPayload } from '../support/case-fixtures';

/**
 * THE ROUTE TABLE: one row per route of the running app (method + route pattern). The authorization matrix
 * (authorization-matrix.e2e-spec.ts) compares it with the routes the app actually mounts — a route without a
 * row fails the suite ("new endpoint without a row") — and calls every route as every principal below,
 * asserting the exact status, problem+json for every refusal, the exact key sets of case data and that
 * nobody without a reason of access ever receives the fixture victim's identity or case number.
 *
 * Expectations are written out here by hand from DESIGN.md's privacy model and the README's role table —
 * never derived from the code under test.
 */

/** Who calls: role × relation to the fixture case (owned by SA1, assigned to CW_ASSIGNED, opened from a
 * handover recorded by BG1, with an open verification task for POL1 and an active referral to LA that shares
 * the victim's name and narrative). */
export const PRINCIPALS = [
  { name: 'ANON', role: null, agency: null, relation: 'no token' },
  { name: 'OTP_PENDING', role: 'CASEWORKER', agency: 'SA1', relation: 'own agency, one-time password not yet changed' },
  { name: 'CW_ASSIGNED', role: 'CASEWORKER', agency: 'SA1', relation: 'assigned' },
  { name: 'CW_OWN', role: 'CASEWORKER', agency: 'SA1', relation: 'own agency' },
  { name: 'SUP_OWN', role: 'SUPERVISOR', agency: 'SA1', relation: 'own agency' },
  { name: 'CW_OTHER', role: 'CASEWORKER', agency: 'SA2', relation: 'other agency' },
  { name: 'SUP_OTHER', role: 'SUPERVISOR', agency: 'SA2', relation: 'other agency' },
  { name: 'CW_HEALTH', role: 'CASEWORKER', agency: 'HE', relation: 'none (caseworker of a health facility)' },
  { name: 'BG_HANDOVER', role: 'BORDER_GUARD', agency: 'BG1', relation: 'recorded the handover' },
  { name: 'BG_NONE', role: 'BORDER_GUARD', agency: 'BG2', relation: 'none' },
  { name: 'POL_TASK', role: 'POLICE_OFFICER', agency: 'POL1', relation: 'open verification task' },
  { name: 'POL_NONE', role: 'POLICE_OFFICER', agency: 'POL2', relation: 'none' },
  { name: 'STAT_POL', role: 'STATISTICIAN', agency: 'POL1', relation: 'none (agency holds the verification task)' },
  { name: 'STATISTICIAN', role: 'STATISTICIAN', agency: 'SC', relation: 'none' },
  { name: 'LA_REFERRAL', role: 'LEGAL_AID_OFFICER', agency: 'LA', relation: 'active referral sharing victim.fullName and victim.narrative' },
  { name: 'LA_NONE', role: 'LEGAL_AID_OFFICER', agency: 'LA2', relation: 'none' },
  { name: 'HEALTH', role: 'HEALTH_WORKER', agency: 'HE', relation: 'none' },
  { name: 'AUDITOR', role: 'AUDITOR', agency: 'SA1', relation: 'own agency' },
  { name: 'ADMIN', role: 'SYSTEM_ADMIN', agency: 'SA1', relation: 'own agency' },
] as const;

export type PrincipalName = (typeof PRINCIPALS)[number]['name'];
export type AgencyKey = 'SA1' | 'SA2' | 'BG1' | 'BG2' | 'POL1' | 'POL2' | 'LA' | 'LA2' | 'LA3' | 'HE' | 'SC';
export const AGENCY_TYPES: Record<AgencyKey, string> = {
  SA1: 'SOCIAL_AFFAIRS', SA2: 'SOCIAL_AFFAIRS', BG1: 'BORDER_GUARD', BG2: 'BORDER_GUARD', POL1: 'POLICE', POL2: 'POLICE',
  LA: 'LEGAL_AID', LA2: 'LEGAL_AID', LA3: 'LEGAL_AID', HE: 'HEALTH', SC: 'STEERING_COMMITTEE',
};

/** What the rows need from the world built by the matrix test. */
export interface MatrixContext {
  agencies: Record<AgencyKey, string>;
  caseId: string;
  caseNumber: string;
  victimId: string;
  handoverId: string;
  supportServiceId: string;
  protectionMeasureId: string;
  shelterStayId: string;
  verificationTaskId: string;
  /** A new active referral of the fixture case (to LA3, which has no principal), for rows that end one. */
  freshReferral(): Promise<string>;
  /** Users that only the SYSTEM_ADMIN row may change (deactivate, reset-password); any user for GET. */
  targets: { user: string; deactivate: string; resetPassword: string };
  credentials(p: PrincipalName): { username: string; password: string };
  /** A separate session of the principal (for logout and refresh, so the main token stays valid). */
  freshSession(p: PrincipalName): Promise<{ accessToken: string; refreshToken: string }>;
  /** The current ETag of a row (read as the database owner, so principals without access can be asked too). */
  etag(table: 'cases' | 'support_services' | 'protection_measures' | 'shelter_stays' | 'verification_tasks' | 'referrals', id: string): Promise<string>;
  /** A fresh number for payloads that must be unique. */
  next(): number;
}

export interface RequestSpec {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Replaces the principal's main access token (e.g. a fresh session for logout). */
  token?: string;
}

export interface RouteRow {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  auth: 'public' | 'token';
  /** Exact status for every principal. */
  expect: Record<PrincipalName, number>;
  request?: (ctx: MatrixContext, p: PrincipalName) => RequestSpec | Promise<RequestSpec>;
  /** Key-set assertions on a 2xx response. */
  check?: (res: Response, p: PrincipalName, ctx: MatrixContext) => void;
  /** Principals that may receive the fixture victim's identity (names, ID number) from this route. Default: nobody. */
  identity?: readonly PrincipalName[];
  /** Principals that may receive the fixture's case number from this route. Default: nobody. */
  caseNumber?: readonly PrincipalName[];
}

// ---- status helpers ---------------------------------------------------------------------------------------

const ALL = PRINCIPALS.map((p) => p.name) as PrincipalName[];
const roleOf = (n: PrincipalName) => PRINCIPALS.find((p) => p.name === n)!.role as string | null;
export const OWNERS = ['CW_ASSIGNED', 'CW_OWN', 'SUP_OWN'] as const satisfies readonly PrincipalName[];
const CASE_CREATORS = [...OWNERS, 'CW_OTHER', 'SUP_OTHER'] as const satisfies readonly PrincipalName[];

/** The same status for everyone, token or not. */
const everyone = (status: number) => Object.fromEntries(ALL.map((n) => [n, status])) as Record<PrincipalName, number>;

/**
 * Token routes: ANON → 401; a user whose one-time password is not yet changed → 403 (password-change-required);
 * `base` for everybody else, with `overrides`.
 */
function tokenRoute(base: number, overrides: Partial<Record<PrincipalName, number>> = {}): Record<PrincipalName, number> {
  const out = everyone(base);
  out.ANON = 401;
  out.OTP_PENDING = 403;
  return { ...out, ...overrides };
}

/** A route gated by role: `ok` for principals with one of `roles`, `denied` (403) for the others. */
function roles(allowed: string[], ok: number, denied = 403): Record<PrincipalName, number> {
  const out = tokenRoute(denied);
  for (const n of ALL) if (n !== 'ANON' && n !== 'OTP_PENDING' && allowed.includes(roleOf(n)!)) out[n] = ok;
  return out;
}

/** A route on the fixture case: by relation. Everyone without a reason of access gets `none` (404: as if missing). */
function onCase(s: { owner: number; handover: number; task: number; referral: number; none?: number }): Record<PrincipalName, number> {
  const out = tokenRoute(s.none ?? 404);
  for (const n of OWNERS) out[n] = s.owner;
  out.BG_HANDOVER = s.handover;
  out.POL_TASK = s.task;
  out.LA_REFERRAL = s.referral;
  return out;
}

// ---- literal key sets (written out, not derived from the field registry) ----------------------------------

const sorted = (o: object) => Object.keys(o).sort();
const HEADER_KEYS = ['caseNumber', 'id', 'stage'];
/** The police view: identity and narrative — no support, notes, ethnicity, owner, assignee or timestamps. */
const POLICE_CASE_KEYS = [
  'id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode',
  'exploitationForms', 'destinationCountry', 'victim', 'accompanyingMinors',
].sort();
const POLICE_VICTIM_KEYS = ['id', 'sex', 'nationality', 'location', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone', 'address', 'narrative'].sort();
const POLICE_MINOR_KEYS = ['id', 'relation', 'sex', 'nationality', 'ageBand', 'fullName', 'dateOfBirth', 'birthYear'].sort();
const POLICE_LIST_KEYS = [
  'id', 'caseNumber', 'stage', 'stageChangedAt', 'identificationOutcome', 'channel', 'receivedAt', 'provinceCode', 'communeCode',
  'exploitationForms', 'destinationCountry', 'victim',
].sort();
/** A referred legal-aid centre: which case (id, number, stage) and the shared victim fields. */
const REFERRAL_CASE_KEYS = ['caseNumber', 'id', 'stage', 'victim'];
const REFERRAL_KEYS = ['id', 'toAgencyId', 'purpose', 'sharedFields', 'consentGivenBy', 'consentRecordedOn', 'status', 'createdAt', 'consentNote'].sort();
const SUPPORT_KEYS = ['id', 'personId', 'type', 'status', 'providerAgencyId', 'startDate', 'endDate', 'amountVnd', 'legalBasis', 'applicationSubmittedOn', 'decisionDueOn', 'note'].sort();
const VERIFICATION_KEYS = ['id', 'caseId', 'requestingAgencyId', 'assignedAgencyId', 'requestedAt', 'dueOn', 'status', 'completedAt', 'findings', 'overdue'].sort();
const PROTECTION_KEYS = ['id', 'personId', 'type', 'decidedByAgencyId', 'startDate', 'endDate', 'refused', 'refusalCommitment', 'note'].sort();
const SHELTER_KEYS = ['id', 'personId', 'facilityAgencyId', 'admittedOn', 'extensionDays', 'plannedExitOn', 'dischargedOn', 'extensionReason'].sort();
const NOTE_KEYS = ['id', 'createdBy', 'createdAt', 'body'].sort();
const ENTITLEMENT_PERSON_KEYS = ['personId', 'kind', 'status', 'location', 'entitled', 'received', 'inProgress', 'applications'].sort();
const OVERDUE_KEYS = ['caseId', 'caseNumber', 'stage', 'kind', 'dueOn', 'daysOverdue'].sort();
const QUEUE_KEYS = ['id', 'caseId', 'caseNumber', 'stage', 'dueOn', 'requestedAt', 'overdue'].sort();
const HANDOVER_HEADER_KEYS = ['id', 'foreignAuthority', 'country', 'borderGate', 'handedOverAt', 'receivingAgencyId', 'recordedByAgencyId', 'personCount', 'createdAt', 'cases'].sort();
const HANDOVER_FULL_KEYS = [...HANDOVER_HEADER_KEYS, 'officers', 'documents', 'persons'].sort();
const HANDOVER_PERSON_KEYS = [
  'id', 'personIndex', 'screeningOutcome', 'sex', 'nationality', 'ageBand', 'caseId', 'fullName', 'dateOfBirth', 'birthYear', 'idNumber',
  'healthOnArrival', 'nonPunishmentNote', 'accompanyingMinors',
].sort();
const SPAWNED_CASE_KEYS = ['id', 'caseNumber', 'stage', 'personIndex'].sort();
const LIST_KEYS = ['items', 'nextCursor'];
const USER_KEYS = ['id', 'username', 'role', 'agencyId', 'mustChangePassword', 'active'].sort();
const AGENCY_KEYS = ['id', 'name', 'type', 'provinceCode', 'communeCode'].sort();
const TOKEN_KEYS = ['accessToken', 'refreshToken', 'expiresIn', 'mustChangePassword'].sort();

function expectFullCase(body: any): void {
  expect(sorted(body)).toEqual(CASE_KEYS_ALL);
  expect(sorted(body.victim)).toEqual(PERSON_KEYS_ALL);
  expect(body.accompanyingMinors.length).toBeGreaterThan(0);
  for (const m of body.accompanyingMinors) expect(sorted(m)).toEqual(PERSON_KEYS_ALL);
  for (const r of body.relatives) expect(sorted(r)).toEqual(PERSON_KEYS_ALL);
}

function expectCaseView(body: any, p: PrincipalName): void {
  if ((OWNERS as readonly string[]).includes(p)) return expectFullCase(body);
  if (p === 'BG_HANDOVER') return expect(sorted(body)).toEqual(HEADER_KEYS);
  if (p === 'LA_REFERRAL') {
    // Only what the referral shares (victim.fullName, victim.narrative) and which case it is.
    expect(sorted(body)).toEqual(REFERRAL_CASE_KEYS);
    return expect(sorted(body.victim)).toEqual(['fullName', 'narrative']);
  }
  if (p === 'POL_TASK') {
    expect(sorted(body)).toEqual(POLICE_CASE_KEYS);
    expect(sorted(body.victim)).toEqual(POLICE_VICTIM_KEYS);
    expect(body.accompanyingMinors.length).toBeGreaterThan(0);
    for (const m of body.accompanyingMinors) expect(sorted(m)).toEqual(POLICE_MINOR_KEYS);
    return;
  }
  throw new Error(`${p} should not have received a case`);
}

/** `{items, nextCursor}` whose items all have exactly `keys`. */
function expectList(body: any, keys: string[]): void {
  expect(sorted(body)).toEqual(LIST_KEYS);
  for (const item of body.items) expect(sorted(item)).toEqual(keys);
}

/** Lists scoped to the case: only principals with a reason of access reach them (others get 404). */
const partList = (keys: string[]) => (res: Response) => {
  expectList(res.body, keys);
  expect(res.body.items.length).toBeGreaterThan(0);
};

/** The fixture victim (invented). Distinct from every other payload so that leaks can be searched for. */
export const FIXTURE_VICTIM = { name: 'Giàng Thị Sương Matrix', idNumber: '077303001234' };

// ---- request bodies ---------------------------------------------------------------------------------------

export function referralPayload(toAgencyId: string, sharedFields: string[]) {
  return { toAgencyId, purpose: 'LEGAL_AID', sharedFields, consentGivenBy: 'VICTIM', consentRecordedOn: '2026-11-05', consentNote: 'Nạn nhân đồng ý chia sẻ để được trợ giúp pháp lý' };
}

export function handoverPayload(receivingAgencyId: string, name: string, idNumber: string) {
  return {
    foreignAuthority: 'Cục Quản lý xuất nhập cảnh Bằng Tường, Quảng Tây',
    country: 'CN',
    borderGate: 'Cửa khẩu quốc tế Hữu Nghị',
    handedOverAt: '2026-10-02T09:15:00+07:00',
    receivingAgencyId,
    officers: [{ name: 'Thiếu tá Hoàng Văn Dũng', unit: 'Đồn Biên phòng cửa khẩu quốc tế Hữu Nghị' }],
    documents: [{ type: 'HANDOVER_RECORD', count: 1, reference: 'BB 12/2026' }],
    persons: [
      {
        fullName: name,
        birthYear: 2003,
        sex: 'FEMALE',
        nationality: 'VN',
        idNumber,
        healthOnArrival: 'Suy nhược',
        screeningOutcome: 'POSSIBLE_VICTIM',
        accompanyingMinors: [{ fullName: `${name} con`, birthYear: 2024, sex: 'MALE', nationality: 'XX', relation: 'CHILD' }],
      },
    ],
  };
}

const ifMatch = async (ctx: MatrixContext, table: Parameters<MatrixContext['etag']>[0], id: string) => ({
  'If-Match': await ctx.etag(table, id),
});

const caseParams = (ctx: MatrixContext) => ({ caseId: ctx.caseId });
/** May receive the fixture victim's identity from case routes: the owners, the police while their task is open,
 * the legal-aid centre the referral shares the name with. */
const IDENTITY_READERS = [...OWNERS, 'POL_TASK', 'LA_REFERRAL'] as const;
/** May receive the fixture's case number from case routes (everyone with a reason of access). */
const CASE_NUMBER_READERS = [...OWNERS, 'POL_TASK', 'BG_HANDOVER', 'LA_REFERRAL'] as const;
/** May receive the case number through the handover records: the recording unit and the receiving agency. */
const HANDOVER_CASE_NUMBER_READERS = [...OWNERS, 'BG_HANDOVER'] as const;

/** Static documents (the API description may carry example case numbers; they are not data). */
const STATIC = ALL;

// ---- THE TABLE -------------------------------------------------------------------------------------------

export const ROUTE_TABLE: RouteRow[] = [
  // -- public -------------------------------------------------------------------------------------------
  { method: 'GET', path: '/health', auth: 'public', expect: everyone(200), check: (res) => expect(res.body.status).toBe('ok') },
  { method: 'GET', path: '/docs', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  { method: 'GET', path: '/docs/', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  { method: 'GET', path: '/docs/index.html', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  // Mounted by SwaggerModule for swagger-ui's licence file, which this swagger-ui-dist does not ship: 404 problem.
  { method: 'GET', path: '/docs/LICENSE', auth: 'public', expect: everyone(404) },
  // swagger-ui's own files (Fastify's static-file route), each as the browser fetches it.
  {
    method: 'GET', path: '/docs/*', auth: 'public', expect: everyone(200), caseNumber: STATIC,
    request: () => ({ params: { '*': 'swagger-ui-bundle.js' } }),
    check: (res) => expect(res.headers['content-type']).toMatch(/javascript/),
  },
  { method: 'GET', path: '/docs/swagger-ui-init.js', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  { method: 'GET', path: '/docs/docs/swagger-ui-init.js', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  { method: 'GET', path: '/docs-json', auth: 'public', expect: everyone(200), caseNumber: STATIC, check: (res) => expect(res.body.openapi).toMatch(/^3\./) },
  { method: 'GET', path: '/docs-yaml', auth: 'public', expect: everyone(200), caseNumber: STATIC },
  {
    method: 'GET', path: '/api/v1/reference/:list', auth: 'public', expect: everyone(200),
    request: () => ({ params: { list: 'channels' } }),
    check: (res) => expect(res.body.map((e: { code: string }) => e.code)).toContain('HOTLINE_111'),
  },
  {
    method: 'POST', path: '/api/v1/auth/login', auth: 'public', expect: { ...everyone(200), ANON: 401 },
    request: (ctx, p) => ({ body: p === 'ANON' ? { username: 'nobody.at.all', password: 'not-a-password-1' } : ctx.credentials(p) }),
    check: (res, p) => {
      expect(sorted(res.body)).toEqual(TOKEN_KEYS);
      expect(res.body.mustChangePassword).toBe(p === 'OTP_PENDING');
    },
  },
  {
    method: 'POST', path: '/api/v1/auth/refresh', auth: 'public', expect: { ...everyone(200), ANON: 401 },
    request: async (ctx, p) => ({ body: { refreshToken: p === 'ANON' ? '0190a000-0000-7000-8000-000000000000.' + 'A'.repeat(43) : (await ctx.freshSession(p)).refreshToken } }),
    check: (res) => expect(sorted(res.body)).toEqual(TOKEN_KEYS),
  },
  // -- any authenticated user (the two a one-time-password holder may call) ------------------------------
  {
    method: 'POST', path: '/api/v1/auth/logout', auth: 'token', expect: tokenRoute(204, { OTP_PENDING: 204 }),
    request: async (ctx, p) => (p === 'ANON' ? {} : { token: (await ctx.freshSession(p)).accessToken }),
  },
  {
    // The same password again: authenticated and validated, refused as "not changed" — the matrix changes nothing.
    method: 'POST', path: '/api/v1/auth/password', auth: 'token', expect: tokenRoute(422, { OTP_PENDING: 422 }),
    request: (ctx, p) => (p === 'ANON' ? { body: { currentPassword: 'x'.repeat(12), newPassword: 'x'.repeat(12) } } : { body: { currentPassword: ctx.credentials(p).password, newPassword: ctx.credentials(p).password } }),
  },
  // -- cases ------------------------------------------------------------------------------------------------
  {
    method: 'POST', path: '/api/v1/cases', auth: 'token',
    expect: tokenRoute(403, Object.fromEntries(CASE_CREATORS.map((n) => [n, 201]))),
    request: (ctx) => ({ body: receptionPayload(9000 + ctx.next()) }),
    check: (res) => expectFullCase(res.body),
  },
  {
    method: 'GET', path: '/api/v1/cases', auth: 'token', expect: tokenRoute(200), request: () => ({ query: { limit: 200 } }),
    identity: IDENTITY_READERS, caseNumber: CASE_NUMBER_READERS,
    check: (res, p, ctx) => {
      expect(sorted(res.body)).toEqual(LIST_KEYS);
      const item = res.body.items.find((i: { id: string }) => i.id === ctx.caseId);
      if ((OWNERS as readonly string[]).includes(p)) {
        expect(sorted(item)).toEqual(LIST_ITEM_KEYS);
        expect(sorted(item.victim)).toEqual(LIST_VICTIM_KEYS);
      } else if (p === 'POL_TASK') {
        expect(sorted(item)).toEqual(POLICE_LIST_KEYS);
        expect(sorted(item.victim)).toEqual(LIST_VICTIM_KEYS);
      } else if (p === 'BG_HANDOVER') {
        expect(sorted(item)).toEqual(HEADER_KEYS);
      } else if (p === 'LA_REFERRAL') {
        expect(sorted(item)).toEqual(REFERRAL_CASE_KEYS);
        expect(sorted(item.victim)).toEqual(['fullName']);
      } else {
        expect(item).toBeUndefined();
      }
    },
  },
  {
    method: 'GET', path: '/api/v1/cases/overdue', auth: 'token', expect: tokenRoute(200), caseNumber: CASE_NUMBER_READERS,
    check: (res, p, ctx) => {
      expectList(res.body, OVERDUE_KEYS);
      const mine = res.body.items.filter((i: { caseId: string }) => i.caseId === ctx.caseId);
      // Received 2026-10-02 and still RECEIVED: the 3-day initial verification is overdue — for those in scope only.
      expect(mine.length > 0).toBe((CASE_NUMBER_READERS as readonly string[]).includes(p));
    },
  },
  {
    method: 'POST', path: '/api/v1/cases/duplicate-check', auth: 'token',
    expect: roles(['CASEWORKER', 'SUPERVISOR', 'BORDER_GUARD', 'POLICE_OFFICER'], 200),
    // Name only: never enough for an out-of-scope "possible match elsewhere" (that needs two identifiers).
    request: () => ({ body: { fullName: FIXTURE_VICTIM.name, purpose: 'RECEPTION' } }),
    caseNumber: CASE_NUMBER_READERS,
    check: (res, p, ctx) => {
      expect(sorted(res.body)).toEqual(['matches', 'possibleMatchesElsewhere']);
      expect(res.body.possibleMatchesElsewhere).toEqual([]);
      const found = res.body.matches.some((m: { caseId: string }) => m.caseId === ctx.caseId);
      expect(found).toBe((CASE_NUMBER_READERS as readonly string[]).includes(p));
    },
  },
  {
    method: 'GET', path: '/api/v1/cases/:id', auth: 'token', expect: onCase({ owner: 200, handover: 200, task: 200, referral: 200 }),
    request: (ctx) => ({ params: { id: ctx.caseId } }), identity: IDENTITY_READERS, caseNumber: CASE_NUMBER_READERS,
    check: (res, p) => expectCaseView(res.body, p),
  },
  {
    // Header fields the owner may edit; the border unit and the police may read the case but edit none of it.
    method: 'PATCH', path: '/api/v1/cases/:id', auth: 'token', expect: onCase({ owner: 200, handover: 403, task: 403, referral: 403 }),
    request: async (ctx) => ({ params: { id: ctx.caseId }, headers: await ifMatch(ctx, 'cases', ctx.caseId), body: { communeCode: '06272', victim: { address: 'Thôn Nà Pàn' } } }),
    identity: IDENTITY_READERS, caseNumber: CASE_NUMBER_READERS,
    check: (res) => expectFullCase(res.body),
  },
  {
    // No stage ever moves back to RECEIVED: those allowed to move the case get 409 (nothing changes).
    method: 'POST', path: '/api/v1/cases/:id/transitions', auth: 'token', expect: onCase({ owner: 409, handover: 403, task: 409, referral: 403 }),
    request: (ctx) => ({ params: { id: ctx.caseId }, body: { to: 'RECEIVED' } }),
  },
  // -- parts of the case -----------------------------------------------------------------------------------
  {
    method: 'POST', path: '/api/v1/cases/:caseId/support-services', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: { personId: ctx.victimId, type: 'ESSENTIAL_NEEDS', status: 'PLANNED', providerAgencyId: ctx.agencies.SA1, startDate: '2026-10-03' } }),
    check: (res) => expect(sorted(res.body)).toEqual(SUPPORT_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/support-services', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(SUPPORT_KEYS),
  },
  {
    method: 'PATCH', path: '/api/v1/cases/:caseId/support-services/:id', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: async (ctx) => ({ params: { ...caseParams(ctx), id: ctx.supportServiceId }, headers: await ifMatch(ctx, 'support_services', ctx.supportServiceId), body: { legalBasis: 'Điều 37 khoản 1 điểm a' } }),
    check: (res) => expect(sorted(res.body)).toEqual(SUPPORT_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/entitlements', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }),
    check: (res) => {
      expect(sorted(res.body)).toEqual(['persons', 'rulesVersion']);
      expect(res.body.persons.length).toBeGreaterThan(0);
      for (const person of res.body.persons) expect(sorted(person)).toEqual(ENTITLEMENT_PERSON_KEYS);
    },
  },
  {
    method: 'POST', path: '/api/v1/cases/:caseId/protection-measures', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: { personId: ctx.victimId, type: 'CONFIDENTIAL_RESIDENCE', decidedByAgencyId: ctx.agencies.SA1, startDate: '2026-10-03' } }),
    check: (res) => expect(sorted(res.body)).toEqual(PROTECTION_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/protection-measures', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(PROTECTION_KEYS),
  },
  {
    method: 'PATCH', path: '/api/v1/cases/:caseId/protection-measures/:id', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: async (ctx) => ({ params: { ...caseParams(ctx), id: ctx.protectionMeasureId }, headers: await ifMatch(ctx, 'protection_measures', ctx.protectionMeasureId), body: { note: 'Không tiết lộ nơi ở' } }),
    check: (res) => expect(sorted(res.body)).toEqual(PROTECTION_KEYS),
  },
  {
    method: 'POST', path: '/api/v1/cases/:caseId/shelter-stays', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: { personId: ctx.victimId, facilityAgencyId: ctx.agencies.SA1, admittedOn: '2026-10-03' } }),
    check: (res) => expect(sorted(res.body)).toEqual(SHELTER_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/shelter-stays', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(SHELTER_KEYS),
  },
  {
    method: 'PATCH', path: '/api/v1/cases/:caseId/shelter-stays/:id', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: async (ctx) => ({ params: { ...caseParams(ctx), id: ctx.shelterStayId }, headers: await ifMatch(ctx, 'shelter_stays', ctx.shelterStayId), body: { extensionDays: 10, extensionReason: 'Chưa có nơi ở an toàn' } }),
    check: (res) => expect(sorted(res.body)).toEqual(SHELTER_KEYS),
  },
  {
    method: 'POST', path: '/api/v1/cases/:caseId/notes', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: { body: 'Đã gặp gia đình tại xã' } }),
    check: (res) => expect(sorted(res.body)).toEqual(NOTE_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/notes', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(NOTE_KEYS),
  },
  {
    method: 'POST', path: '/api/v1/cases/:caseId/referrals', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: referralPayload(ctx.agencies.LA3, ['victim.fullName']) }),
    check: (res) => expect(sorted(res.body)).toEqual(REFERRAL_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/referrals', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(REFERRAL_KEYS),
  },
  {
    // Ends a fresh referral each time (ending the one that gives LA_REFERRAL its access would change the matrix).
    method: 'PATCH', path: '/api/v1/cases/:caseId/referrals/:id', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 404, referral: 404 }),
    request: async (ctx) => {
      const id = await ctx.freshReferral();
      return { params: { ...caseParams(ctx), id }, headers: await ifMatch(ctx, 'referrals', id), body: { status: 'ENDED' } };
    },
    check: (res) => {
      expect(sorted(res.body)).toEqual(REFERRAL_KEYS);
      expect(res.body.status).toBe('ENDED');
    },
  },
  {
    // Owners may ask the police; the police may not open tasks themselves (in scope, not writable → 403).
    method: 'POST', path: '/api/v1/cases/:caseId/verification-tasks', auth: 'token', expect: onCase({ owner: 201, handover: 404, task: 403, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx), body: { assignedAgencyId: ctx.agencies.POL1 } }),
    check: (res) => expect(sorted(res.body)).toEqual(VERIFICATION_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/cases/:caseId/verification-tasks', auth: 'token', expect: onCase({ owner: 200, handover: 404, task: 200, referral: 404 }),
    request: (ctx) => ({ params: caseParams(ctx) }), check: partList(VERIFICATION_KEYS),
  },
  {
    // Findings are the police's to write; the owners may read them but not write them.
    method: 'PATCH', path: '/api/v1/cases/:caseId/verification-tasks/:id', auth: 'token', expect: onCase({ owner: 403, handover: 404, task: 200, referral: 404 }),
    request: async (ctx) => ({ params: { ...caseParams(ctx), id: ctx.verificationTaskId }, headers: await ifMatch(ctx, 'verification_tasks', ctx.verificationTaskId), body: { findings: 'Đã xác minh lời khai' } }),
    check: (res) => expect(sorted(res.body)).toEqual(VERIFICATION_KEYS),
  },
  {
    method: 'GET', path: '/api/v1/verification-tasks', auth: 'token', expect: tokenRoute(200), caseNumber: ['POL_TASK'],
    check: (res, p, ctx) => {
      expectList(res.body, QUEUE_KEYS);
      expect(res.body.items.some((i: { caseId: string }) => i.caseId === ctx.caseId)).toBe(p === 'POL_TASK');
    },
  },
  // -- reception (border handovers) ------------------------------------------------------------------------
  {
    method: 'POST', path: '/api/v1/handovers', auth: 'token', expect: roles(['BORDER_GUARD'], 201),
    request: (ctx) => ({ body: handoverPayload(ctx.agencies.SA1, `Người Thứ ${ctx.next()}`, `0990${String(ctx.next()).padStart(8, '0')}`) }),
    check: (res) => {
      expect(sorted(res.body)).toEqual(['cases', 'id']);
      for (const c of res.body.cases) expect(sorted(c)).toEqual(['caseNumber', 'id', 'personIndex']);
    },
  },
  {
    method: 'GET', path: '/api/v1/handovers', auth: 'token', expect: tokenRoute(200), caseNumber: HANDOVER_CASE_NUMBER_READERS,
    check: (res, p, ctx) => {
      expect(sorted(res.body)).toEqual(LIST_KEYS);
      const item = res.body.items.find((i: { id: string }) => i.id === ctx.handoverId);
      if (p === 'BG_HANDOVER' || (OWNERS as readonly string[]).includes(p)) {
        expect(sorted(item)).toEqual(HANDOVER_HEADER_KEYS);
        for (const c of item.cases) expect(sorted(c)).toEqual(SPAWNED_CASE_KEYS);
      } else {
        expect(item).toBeUndefined();
      }
    },
  },
  {
    // The recording unit sees the roll call; the receiving agency the header; nobody else anything.
    method: 'GET', path: '/api/v1/handovers/:id', auth: 'token', expect: onCase({ owner: 200, handover: 200, task: 404, referral: 404 }),
    request: (ctx) => ({ params: { id: ctx.handoverId } }), identity: ['BG_HANDOVER'], caseNumber: HANDOVER_CASE_NUMBER_READERS,
    check: (res, p) => {
      if (p === 'BG_HANDOVER') {
        expect(sorted(res.body)).toEqual(HANDOVER_FULL_KEYS);
        for (const person of res.body.persons) expect(sorted(person)).toEqual(HANDOVER_PERSON_KEYS);
      } else {
        expect(sorted(res.body)).toEqual(HANDOVER_HEADER_KEYS);
      }
      for (const c of res.body.cases) expect(sorted(c)).toEqual(SPAWNED_CASE_KEYS);
    },
  },
  // -- statistics ------------------------------------------------------------------------------------------
  {
    method: 'GET', path: '/api/v1/reports/province-summary', auth: 'token', expect: roles(['STATISTICIAN', 'SUPERVISOR'], 200),
    request: () => ({ query: { provinceCode: '20', year: 2026, quarter: 4 } }),
    check: (res) => expect(res.body).toMatchObject({ provinceCode: '20', year: 2026, quarter: 4 }),
  },
  // -- audit -----------------------------------------------------------------------------------------------
  {
    method: 'GET', path: '/api/v1/audit/events', auth: 'token', expect: roles(['AUDITOR'], 200), request: () => ({ query: { limit: 500 } }),
    check: (res) => {
      expect(sorted(res.body)).toEqual(LIST_KEYS);
      expect(res.body.items.length).toBeGreaterThan(0);
    },
  },
  {
    method: 'GET', path: '/api/v1/audit/verify', auth: 'token', expect: roles(['AUDITOR'], 200),
    check: (res) => expect(res.body).toMatchObject({ valid: true, firstBroken: null }),
  },
  // -- administration --------------------------------------------------------------------------------------
  {
    method: 'POST', path: '/api/v1/agencies', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 201),
    request: (ctx) => ({ body: { name: `Matrix agency ${ctx.next()}`, type: 'SHELTER', provinceCode: '20' } }),
    check: (res) => expect(sorted(res.body)).toEqual(AGENCY_KEYS),
  },
  { method: 'GET', path: '/api/v1/agencies', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 200), check: (res) => expectList(res.body, AGENCY_KEYS) },
  {
    method: 'GET', path: '/api/v1/agencies/:id', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 200),
    request: (ctx) => ({ params: { id: ctx.agencies.SA1 } }), check: (res) => expect(sorted(res.body)).toEqual(AGENCY_KEYS),
  },
  {
    method: 'POST', path: '/api/v1/users', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 201),
    request: (ctx) => ({ body: { username: `matrix.user.${ctx.next()}`, role: 'CASEWORKER', agencyId: ctx.agencies.SA1 } }),
    check: (res) => expect(sorted(res.body)).toEqual([...USER_KEYS, 'oneTimePassword'].sort()),
  },
  { method: 'GET', path: '/api/v1/users', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 200), check: (res) => expectList(res.body, USER_KEYS) },
  {
    method: 'GET', path: '/api/v1/users/:id', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 200),
    request: (ctx) => ({ params: { id: ctx.targets.user } }), check: (res) => expect(sorted(res.body)).toEqual(USER_KEYS),
  },
  {
    method: 'POST', path: '/api/v1/users/:id/deactivate', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 204),
    request: (ctx) => ({ params: { id: ctx.targets.deactivate } }),
  },
  {
    method: 'POST', path: '/api/v1/users/:id/reset-password', auth: 'token', expect: roles(['SYSTEM_ADMIN'], 200),
    request: (ctx) => ({ params: { id: ctx.targets.resetPassword } }),
    check: (res) => expect(sorted(res.body)).toEqual(['id', 'mustChangePassword', 'oneTimePassword', 'username']),
  },
];

/**
 * Routes mounted for every HTTP method at once (catch-alls, route-scoped middleware). None today: request
 * logging, security headers and body parsing are Fastify hooks and parsers, not routes. Any all-methods mount
 * fails the suite until it is understood and listed here.
 */
export const MIDDLEWARE_MOUNTS: string[] = [];
