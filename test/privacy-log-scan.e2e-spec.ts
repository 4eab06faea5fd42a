import { createTestApp, TestApp } from './support/app';
import { personalValuesOf, receptionPayload, textFormsOf } from './support/case-fixtures';
import { createAgency, createUserAndLogin } from './support/identity';

/**
 * The logs, at `debug`, after realistic traffic — creates, reads, updates, lists, a duplicate check — and after
 * refusals that carry personal values in their input (a value over its limit, broken JSON, a query string, a
 * stale If-Match, a failed login) and a server error in the middle of a reception (PostgreSQL refusing the
 * persons' rows, whose error message quotes the failing row): no line holds a test person's name, ID number,
 * phone, address or narrative. Other tests run with logs silenced; this one reads them back.
 */
describe('privacy: nothing personal in the logs, at debug level, through success, refusal and server error', () => {
  let t: TestApp;
  const lines: string[] = [];
  const secrets: string[] = [];
  const statuses: number[] = [];

  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'development', LOG_LEVEL: 'debug' }, { logDestination: { write: (line: string) => void lines.push(line) } });
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const auth = { Authorization: `Bearer ${cw.token}` };
    const remember = (body: ReturnType<typeof receptionPayload>) => secrets.push(...personalValuesOf(body));
    const note = (res: { status: number }) => statuses.push(res.status);

    for (let i = 0; i < 2; i++) {
      const body = receptionPayload(700 + i);
      remember(body);
      const created = await t.http().post('/api/v1/cases').set(auth).set('Idempotency-Key', `log-scan-${i}`).send(body).expect(201);
      await t.http().get(`/api/v1/cases/${created.body.id}`).set(auth).expect(200);
      const phone = `0977${700 + i}123`;
      secrets.push(phone);
      await t.http().patch(`/api/v1/cases/${created.body.id}`).set(auth).set('If-Match', created.headers.etag).send({ victim: { phone } }).expect(200);
      // The same change again on the old ETag: 412, the value in the refused body.
      note(await t.http().patch(`/api/v1/cases/${created.body.id}`).set(auth).set('If-Match', created.headers.etag).send({ victim: { phone } }));
      note(await t.http().post('/api/v1/cases/duplicate-check').set(auth).send({ purpose: 'RECEPTION', fullName: body.victim.fullName, idNumber: body.victim.idNumber }));
    }
    await t.http().get('/api/v1/cases').set(auth).expect(200);

    const refused = receptionPayload(710);
    remember(refused);
    // A value over its limit, broken JSON, a query string, a login: each refused, each carrying personal values.
    note(await t.http().post('/api/v1/cases').set(auth).send({ ...refused, victim: { ...refused.victim, fullName: `${refused.victim.fullName} ${'x'.repeat(400)}` } }));
    note(await t.http().post('/api/v1/cases').set(auth).set('Content-Type', 'application/json').send(`{"victim":{"fullName":"${refused.victim.fullName}","idNumber":"${refused.victim.idNumber}"`));
    note(await t.http().get(`/api/v1/cases?stage=${encodeURIComponent(refused.victim.fullName)}`).set(auth));
    note(await t.http().post('/api/v1/auth/login').send({ username: refused.victim.fullName, password: `${refused.victim.idNumber}-password` }));

    // A server error inside a reception: PostgreSQL refuses every new person row (its message quotes the row).
    const failing = receptionPayload(720);
    remember(failing);
    await t.sql('ALTER TABLE persons ADD CONSTRAINT log_scan_refuses_persons CHECK (false) NOT VALID');
    try {
      note(await t.http().post('/api/v1/cases').set(auth).send(failing));
    } finally {
      await t.sql('ALTER TABLE persons DROP CONSTRAINT log_scan_refuses_persons');
    }
  });
  afterAll(() => t?.close());

  it('the traffic happened: the refusals were refused, the server error was a 500, and all of it was logged', () => {
    expect(statuses).toEqual([412, 200, 412, 200, 400, 400, 400, 401, 500]);
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string; req?: { path?: string } });
    expect(parsed.filter((l) => l.msg === 'request completed').length).toBeGreaterThan(15);
    // The 500 was logged at error level by the filter and by the request line.
    expect(parsed.filter((l) => l.level >= 50).length).toBeGreaterThanOrEqual(2);
    // Paths are logged without their query string.
    expect(parsed.some((l) => l.req?.path === '/api/v1/cases')).toBe(true);
  });

  it('no log line holds any of the personal values (as written, NFD, lower case, URL-encoded or JSON-escaped)', () => {
    const needles = [...new Set([...textFormsOf(secrets), ...secrets.map(encodeURIComponent)])];
    const escaped = needles.map((s) => JSON.stringify(s).slice(1, -1)); // how pino would write it inside a string
    const hits = lines.flatMap((line, i) => [...needles, ...escaped].filter((s) => line.includes(s)).map((s) => `line ${i}: ${s.slice(0, 6)}…`));
    expect(secrets.length).toBeGreaterThan(15);
    expect(hits).toEqual([]);
  });

  it('the scan itself finds a planted value (control)', () => {
    const planted = JSON.stringify({ level: 30, msg: 'control', detail: `x ${secrets[0]} y` });
    expect([secrets[0], JSON.stringify(secrets[0]).slice(1, -1)].some((s) => planted.includes(s))).toBe(true);
  });
});
