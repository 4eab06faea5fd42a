import { createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app';
import { receptionPayload } from '../support/case-fixtures';
import { bearer, createAdmin, createAgency, createUserAndLogin, TestUser } from '../support/identity';
import { listAppRoutes } from '../support/routes';

/**
 * Issue #6, part 3: authentication attacks — only what test/auth.e2e-spec.ts and test/auth-lockout.e2e-spec.ts
 * do not already cover (they cover: tampered `sub`, alg none, expired, wrong key, HS512, garbage; refresh
 * rotation and reuse revoking the family; logout; deactivation; lockout per account+address, back-off,
 * unknown accounts locked alike, spraying, hashed keys; a one-sided timing check). Here: more forgeries,
 * claims that must not grant anything, revocation on EVERY route, refresh races, two-sided timing, identical
 * refusals, lockout that X-Forwarded-For cannot evade, password-change brute force, self-promotion.
 */

const b64url = (v: object | Buffer | string) => (Buffer.isBuffer(v) ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v))).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
function hs256(header: object | string, payload: object, key: Buffer): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  return `${head}.${b64url(createHmac('sha256', key).update(head).digest())}`;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('adversarial: authentication attacks', () => {
  let t: TestApp;
  let sa: string;
  let admin: TestUser;
  let cw: TestUser;
  let caseId: string;

  beforeAll(async () => {
    // TRUST_PROXY so that each test can speak from its own client address (X-Forwarded-For).
    t = await createTestApp({ TRUST_PROXY: 'loopback', THROTTLE_LIMIT: '1000000' });
    sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    admin = await createAdmin(t);
    cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    caseId = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(6100)).expect(201)).body.id;
  });
  afterAll(() => t?.close());

  const login = (from: string, username: string, password: string) => t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });
  const readCase = (token: string) => t.http().get(`/api/v1/cases/${caseId}`).set(bearer(token));

  describe('forged access tokens', () => {
    it('alg "none" in every spelling, algorithm confusion (RS/ES/PS), embedded keys and kid tricks → 401', async () => {
      const claims = claimsOf(cw.token);
      const [, payload, sig] = cw.token.split('.');
      const forged: Array<[string, string]> = [];
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        forged.push([`alg ${alg}, empty signature`, `${b64url({ alg, typ: 'JWT' })}.${payload}.`]);
        forged.push([`alg ${alg}, original signature`, `${b64url({ alg, typ: 'JWT' })}.${payload}.${sig}`]);
        forged.push([`alg ${alg}, no signature part`, `${b64url({ alg, typ: 'JWT' })}.${payload}`]);
      }
      forged.push(['duplicate alg keys (last wins: none)', `${b64url('{"alg":"HS256","alg":"none","typ":"JWT"}')}.${payload}.`]);
      // The HMAC key used as if it were an RSA public key, and a real RS256 signature with the attacker's key.
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const rsHead = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${payload}`;
      forged.push(['RS256 signed with the attacker key', `${rsHead}.${b64url(rsaSign('sha256', Buffer.from(rsHead), privateKey))}`]);
      forged.push(['RS256 header, HMAC signature', `${rsHead}.${b64url(createHmac('sha256', t.keyring.tokenKey).update(rsHead).digest())}`]);
      for (const alg of ['ES256', 'PS256', 'HS384']) {
        const head = `${b64url({ alg, typ: 'JWT' })}.${payload}`;
        forged.push([`${alg} header, HMAC-SHA256 signature`, `${head}.${b64url(createHmac('sha256', t.keyring.tokenKey).update(head).digest())}`]);
      }
      const jwk = publicKey.export({ format: 'jwk' });
      const jwkHead = `${b64url({ alg: 'RS256', typ: 'JWT', jwk })}.${payload}`;
      forged.push(['embedded jwk of the attacker', `${jwkHead}.${b64url(rsaSign('sha256', Buffer.from(jwkHead), privateKey))}`]);
      forged.push(['jku pointing elsewhere', hs256({ alg: 'HS256', typ: 'JWT', jku: 'http://127.0.0.1:1/keys' }, claims, Buffer.alloc(32, 1))]);
      forged.push(['kid path traversal, empty key', hs256({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, claims, Buffer.alloc(0))]);
      forged.push(['empty HMAC key', hs256({ alg: 'HS256', typ: 'JWT' }, claims, Buffer.alloc(0))]);
      forged.push(['payload not JSON', `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url('not json')}.${sig}`]);
      forged.push(['signature of another token', `${cw.token.split('.').slice(0, 2).join('.')}.${admin.token.split('.')[2]}`]);
      forged.push(['four parts', `${cw.token}.${sig}`]);
      const wrong: string[] = [];
      for (const [label, token] of forged) {
        const res = await readCase(token);
        if (res.status !== 401 || res.body.type !== '/problems/invalid-token') wrong.push(`${label}: ${res.status}`);
      }
      expect(wrong).toEqual([]);
      await readCase(cw.token).expect(200); // control
    });

    it('a payload changed to claim SUPERVISOR (or another agency) is refused: 401 with the old signature', async () => {
      const [h, , s] = cw.token.split('.');
      for (const extra of [{ role: 'SUPERVISOR' }, { role: 'SYSTEM_ADMIN', agencyId: admin.agencyId }, { agencyId: '0190a000-0000-7000-8000-000000000000' }, { tv: 99 }]) {
        const res = await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=4').set(bearer(`${h}.${b64url({ ...claimsOf(cw.token), ...extra })}.${s}`));
        expect(res.status).toBe(401);
      }
    });

    it('even correctly signed, claims grant nothing: role, agency and user come from the database and the session', async () => {
      const claims = claimsOf(cw.token);
      const escalated = hs256(headerOf(cw.token), { ...claims, role: 'SUPERVISOR', agencyId: admin.agencyId, agencyType: 'SOCIAL_AFFAIRS', roles: ['SYSTEM_ADMIN'] }, t.keyring.tokenKey);
      // Still the caseworker: not a supervisor's report, not an admin's user list, but their own case.
      await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=4').set(bearer(escalated)).expect(403);
      await t.http().get('/api/v1/users').set(bearer(escalated)).expect(403);
      await readCase(escalated).expect(200);
      // Somebody else's user id with my session, and my user id with somebody else's session: no such pair.
      const other = await createUserAndLogin(t, { role: 'SUPERVISOR', agencyId: sa });
      await readCase(hs256(headerOf(cw.token), { ...claims, sub: other.userId }, t.keyring.tokenKey)).expect(401);
      await readCase(hs256(headerOf(cw.token), { ...claims, sid: claimsOf(other.token).sid }, t.keyring.tokenKey)).expect(401);
      // Wrong issuer, audience, a token not valid yet.
      const now = Math.floor(Date.now() / 1000);
      for (const bad of [{ iss: 'someone-else' }, { aud: 'another-api' }, { nbf: now + 3600 }, { exp: now - 1 }, { sub: 'not-a-uuid' }, { tv: '1' }]) {
        await readCase(hs256(headerOf(cw.token), { ...claims, ...bad }, t.keyring.tokenKey)).expect(401);
      }
    });

    it('the token is accepted only in the Authorization header: not in the query string, a cookie or as a refresh token', async () => {
      await t.http().get(`/api/v1/cases/${caseId}?access_token=${cw.token}`).expect(401);
      await t.http().get(`/api/v1/cases/${caseId}`).query({}).set('Cookie', `access_token=${cw.token}; token=${cw.token}`).expect(401);
      await t.http().get(`/api/v1/cases/${caseId}`).set('X-Access-Token', cw.token).expect(401);
      const asRefresh = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: cw.token });
      expect([400, 401]).toContain(asRefresh.status); // longer than any refresh token: refused by validation or as unknown
      expect(asRefresh.text).not.toContain('accessToken');
      await t.http().get(`/api/v1/cases/${caseId}`).set(bearer(cw.refreshToken)).expect(401);
    });
  });

  describe('revocation applies to every route at once', () => {
    /** Every token route of the running app, called with `token`: each must answer 401. */
    async function everyTokenRoute(token: string): Promise<string[]> {
      const publicPaths = [/^\/health/, /^\/docs/, /\/auth\/(login|refresh)$/, /\/reference\//];
      const wrong: string[] = [];
      for (const r of listAppRoutes(t.app).filter((x) => !publicPaths.some((p) => p.test(x.path)))) {
        const url = r.path.replace(/:([A-Za-z0-9_]+)/g, () => caseId);
        let req = t.http()[r.method.toLowerCase() as 'get'](url).set(bearer(token));
        if (r.method !== 'GET') req = req.send({});
        const res = await req;
        if (res.status !== 401) wrong.push(`${r.method} ${r.path}: ${res.status}`);
      }
      return wrong;
    }

    it('a deactivated user: the still-unexpired access token → 401 on every token route', async () => {
      const victim = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      await readCase(victim.token).expect(200);
      await t.http().post(`/api/v1/users/${victim.userId}/deactivate`).set(bearer(admin.token)).expect(204);
      expect(await everyTokenRoute(victim.token)).toEqual([]);
      // A token minted for the deactivated account with the right key and the current token version: still 401.
      const [row] = await t.sql<{ token_version: number }>('SELECT token_version FROM users WHERE id = $1', [victim.userId]);
      await readCase(hs256({ alg: 'HS256', typ: 'JWT' }, { ...claimsOf(victim.token), tv: row.token_version }, t.keyring.tokenKey)).expect(401);
    });

    it('after logout: the access token → 401 on every token route; its refresh token → 401', async () => {
      const u = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      await t.http().post('/api/v1/auth/logout').set(bearer(u.token)).expect(204);
      expect(await everyTokenRoute(u.token)).toEqual([]);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(401);
    });
  });

  describe('refresh tokens', () => {
    it('a race on one refresh token: at most one new pair; the family ends revoked either way', async () => {
      const u = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      const results = await Promise.all(Array.from({ length: 6 }, () => t.http().post('/api/v1/auth/refresh').send({ refreshToken: u.refreshToken })));
      const ok = results.filter((r) => r.status === 200);
      expect(ok.length).toBeLessThanOrEqual(1);
      expect(results.filter((r) => r.status === 401).length).toBe(results.length - ok.length);
      // The losers presented an already-rotated token: reuse → the whole session is revoked, winner included.
      for (const winner of ok) {
        await readCase(winner.body.accessToken).expect(401);
        await t.http().post('/api/v1/auth/refresh').send({ refreshToken: winner.body.refreshToken }).expect(401);
      }
      const [s] = await t.sql('SELECT revoked_reason FROM auth_sessions WHERE id = $1', [claimsOf(u.token).sid]);
      expect(s.revoked_reason).toBe('REFRESH_REUSE');
    });

    it('reuse by a thief after the owner rotated revokes the owner too, and the thief gets nothing new', async () => {
      const owner = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      const stolen = owner.refreshToken;
      const rotated = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: stolen }).expect(200);
      const thief = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: stolen }).expect(401);
      expect(JSON.stringify(thief.body)).not.toContain('accessToken');
      await readCase(rotated.body.accessToken).expect(401);
      // A later login is a new, valid session.
      await login('192.0.2.77', owner.username, owner.password).expect(200);
    });
  });

  describe('brute force and enumeration', () => {
    it('unknown user, wrong password and deactivated account: the same refusal, in comparable time (median of 5, within 3×)', async () => {
      const known = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      const gone = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      await t.http().post(`/api/v1/users/${gone.userId}/deactivate`).set(bearer(admin.token)).expect(204);
      const attempts: Record<string, () => [string, string]> = {
        unknown: () => [`never.existed.${Math.random().toString(36).slice(2)}`, 'wrong-password-timing'],
        wrongPassword: () => [known.username, 'wrong-password-timing'],
        deactivated: () => [gone.username, gone.password], // even the right password
      };
      const times: Record<string, number[]> = { unknown: [], wrongPassword: [], deactivated: [] };
      const bodies = new Set<string>();
      let n = 0;
      for (let i = 0; i < 5; i++) {
        for (const [kind, next] of Object.entries(attempts)) {
          const [username, password] = next();
          const start = process.hrtime.bigint();
          const res = await login(`198.18.${i}.${++n}`, username, password); // own address: no lockout involved
          times[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
          expect(res.status).toBe(401);
          bodies.add(JSON.stringify({ ...res.body, instance: undefined }));
          expect(res.text).not.toContain(username);
        }
      }
      expect(bodies.size).toBe(1);
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
      for (const a of Object.values(m)) for (const b of Object.values(m)) expect(a).toBeLessThan(b * 3 + 5);
    });

    it('a locked unknown account and a locked real account answer identically (body and Retry-After)', async () => {
      const real = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      const lockedAnswer = async (username: string, from: string) => {
        for (let i = 0; i < 5; i++) await login(from, username, 'wrong-password-lock').expect(401);
        const res = await login(from, username, 'wrong-password-lock').expect(429);
        return { body: { ...res.body, instance: undefined }, retryAfter: res.headers['retry-after'] };
      };
      expect(await lockedAnswer(real.username, '198.19.0.1')).toEqual(await lockedAnswer('nobody.real.here', '198.19.0.2'));
    });

    it('without TRUST_PROXY, X-Forwarded-For is ignored: rotating it does not evade the lockout', async () => {
      await expectForwardedForIgnored({}, (i) => ({ 'X-Forwarded-For': `203.0.113.${i}`, 'X-Real-IP': `203.0.113.${i}` }));
    });

    it('a stolen session cannot brute-force the password through POST /auth/password (counts as failed logins)', async () => {
      const u = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      const change = (currentPassword: string) =>
        t.http().post('/api/v1/auth/password').set('X-Forwarded-For', '198.20.0.1').set(bearer(u.token)).send({ currentPassword, newPassword: 'a new long passphrase' });
      for (let i = 0; i < 5; i++) await change(`guess-number-${i}-x`).expect(422);
      const res = await change(u.password).expect(429); // even the right one, while locked
      expect(res.body.type).toMatch(/\/too-many-attempts$/);
      await login('198.20.0.9', u.username, u.password).expect(200); // the owner elsewhere is not locked out
    });
  });

  describe('self-promotion', () => {
    it('no route changes a role or an agency: PATCH/PUT /users/:id (own or other) → 404, nothing changes', async () => {
      const before = await t.sql('SELECT id, role, agency_id, active, token_version FROM users ORDER BY id');
      const other = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
      for (const who of [cw, admin]) {
        for (const method of ['patch', 'put'] as const) {
          for (const body of [{ role: 'SUPERVISOR' }, { role: 'SYSTEM_ADMIN' }, { agencyId: other }, { active: true, mustChangePassword: false }]) {
            const res = await t.http()[method](`/api/v1/users/${cw.userId}`).set(bearer(who.token)).send(body);
            expect(res.status).toBe(404);
            expect(res.headers['content-type']).toContain('application/problem+json');
          }
        }
      }
      // Nor through the create routes: POST /users/:id is no route, and POST /users is the admin's alone.
      await t.http().post(`/api/v1/users/${cw.userId}`).set(bearer(cw.token)).send({ role: 'SUPERVISOR' }).expect(404);
      await t.http().post('/api/v1/users').set(bearer(cw.token)).send({ username: 'self.promoted', role: 'SUPERVISOR', agencyId: sa }).expect(403);
      const after = await t.sql('SELECT id, role, agency_id, active, token_version FROM users WHERE id = ANY($1::uuid[]) ORDER BY id', [before.map((u) => u.id)]);
      expect(after).toEqual(before);
      // And the caseworker's own token still says caseworker.
      await t.http().get('/api/v1/reports/province-summary?provinceCode=20&year=2026&quarter=4').set(bearer(cw.token)).expect(403);
    });
  });

  describe('a client behind the proxy cannot choose its own address', () => {
    // TRUST_PROXY lists the proxy (here the loopback address the tests connect from): the address is the entry
    // the proxy itself appended, never the client-controlled leftmost X-Forwarded-For (which would let each guess
    // come from a fresh "address").
    it('behind one appending proxy, spoofing the leftmost X-Forwarded-For does not evade the lockout', async () => {
      const owner = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
      for (let i = 0; i < 5; i++) {
        await login(`10.66.0.${i}, 203.0.113.200`, owner.username, `wrong-password-${i}`).expect(401);
      }
      await login('10.66.0.99, 203.0.113.200', owner.username, owner.password).expect(429);
    });

    it('a client connecting directly, not through a listed proxy, cannot use X-Forwarded-For at all', async () => {
      // The proxy is listed by address; these requests come from loopback, which is not it: each "address"
      // below is ignored and every guess counts against the socket's own address (a hop count could not tell).
      await expectForwardedForIgnored({ TRUST_PROXY: '10.250.0.1' }, (i) => ({ 'X-Forwarded-For': `203.0.113.${i}, 10.250.0.1` }));
    });
  });

  /**
   * On an app of its own (`env`), five wrong passwords each "from" a different forwarded address, then the right
   * one: still locked — the forwarded addresses were not believed, every guess counted against the socket's.
   */
  async function expectForwardedForIgnored(env: Record<string, string>, headersFor: (i: number) => Record<string, string>): Promise<void> {
    const t2 = await createTestApp({ ...env, THROTTLE_LIMIT: '1000000' });
    try {
      const agency = (await createAgency(t2, { type: 'BORDER_GUARD' })).id;
      const owner = await createUserAndLogin(t2, { role: 'BORDER_GUARD', agencyId: agency });
      const attempt = (i: number, password: string) => t2.http().post('/api/v1/auth/login').set(headersFor(i)).send({ username: owner.username, password });
      for (let i = 0; i < 5; i++) await attempt(i, `wrong-password-${i}`).expect(401);
      const locked = await attempt(99, owner.password).expect(429);
      expect(locked.body.type).toMatch(/\/too-many-attempts$/);
    } finally {
      await t2.close();
    }
  }
});
