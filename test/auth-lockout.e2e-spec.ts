import type { Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { Repository } from 'typeorm';
import { LoginAdmission } from '../src/auth/login-admission';
import { LoginThrottle } from '../src/auth/login-throttle';
import { PasswordHasher } from '../src/auth/password-hasher';
import { createTestApp, TestApp } from './support/app';
import { createAgency, createUserAndLogin, TestUser } from './support/identity';

/**
 * Lockout and back-off keyed on (account, client address) and on the address alone. TRUST_PROXY is on so
 * each test can speak from its own client address through X-Forwarded-For.
 */
describe('auth: lockout and throttling', () => {
  let t: TestApp;
  let agencyId: string;

  beforeAll(async () => {
    t = await createTestApp({ TRUST_PROXY: 'loopback' });
    agencyId = (await createAgency(t, { type: 'BORDER_GUARD' })).id;
  });
  afterAll(() => t?.close());

  const login = (from: string, username: string, password: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });
  const user = () => createUserAndLogin(t, { role: 'BORDER_GUARD', agencyId });
  const expireLocks = () => t.sql(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE locked_until IS NOT NULL`);

  async function expectLocked(from: string, u: TestUser, password = u.password): Promise<number> {
    const res = await login(from, u.username, password).expect(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.type).toMatch(/\/too-many-attempts$/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    return retryAfter;
  }

  it('locks the (account, address) pair after 5 failures — even for the right password — not the owner elsewhere', async () => {
    const owner = await user();
    for (let i = 0; i < 5; i++) await login('198.51.100.1', owner.username, `wrong-password-${i}`).expect(401);
    await expectLocked('198.51.100.1', owner);
    // The stranger did not lock out the border post's own computer.
    await login('203.0.113.50', owner.username, owner.password).expect(200);
  });

  it('backs off exponentially: 1 s, 2 s, 4 s … after each further failure', async () => {
    const owner = await user();
    const from = '198.51.100.2';
    for (let i = 0; i < 5; i++) await login(from, owner.username, 'wrong-password-x').expect(401);
    expect(await expectLocked(from, owner)).toBeLessThanOrEqual(1);
    await expireLocks();
    await login(from, owner.username, 'wrong-password-x').expect(401);
    expect(await expectLocked(from, owner)).toBe(2);
    await expireLocks();
    await login(from, owner.username, 'wrong-password-x').expect(401);
    expect(await expectLocked(from, owner)).toBe(4);
    // While locked, attempts are refused without being counted or checked.
    const [row] = await t.sql(`SELECT failures FROM login_throttle WHERE scope = 'ACCOUNT_ADDRESS' ORDER BY last_failure_at DESC LIMIT 1`);
    expect(row.failures).toBe(7);
  });

  it('a successful login resets the pair counter', async () => {
    const owner = await user();
    const from = '198.51.100.3';
    for (let i = 0; i < 4; i++) await login(from, owner.username, 'wrong-password-y').expect(401);
    await login(from, owner.username, owner.password).expect(200);
    for (let i = 0; i < 4; i++) await login(from, owner.username, 'wrong-password-y').expect(401);
    await login(from, owner.username, owner.password).expect(200);
  });

  it('locks unknown accounts exactly like real ones (no enumeration through lockout)', async () => {
    const from = '198.51.100.4';
    for (let i = 0; i < 5; i++) await login(from, 'no.such.user', 'wrong-password-z').expect(401);
    const res = await login(from, 'no.such.user', 'wrong-password-z').expect(429);
    expect(res.body.type).toMatch(/\/too-many-attempts$/);
  });

  it('backs off an address that fails 30 times across accounts (password spraying), not other addresses', async () => {
    const owner = await user();
    const from = '198.51.100.5';
    for (let i = 0; i < 30; i++) await login(from, `spray.target.${i}`, 'Summer2026!!').expect(401);
    await expectLocked(from, owner);
    await login('203.0.113.51', owner.username, owner.password).expect(200);
  });

  it('stores only keyed hashes: no usernames or addresses at rest', async () => {
    const rows = await t.sql(`SELECT key_hash, scope FROM login_throttle`);
    expect(rows.length).toBeGreaterThan(0);
    const dump = rows.map((r) => `${r.key_hash.toString('hex')} ${r.key_hash.toString('latin1')} ${r.scope}`).join('\n');
    for (const needle of ['198.51.100', 'no.such.user', 'spray.target']) {
      expect(dump).not.toContain(needle);
      expect(dump).not.toContain(Buffer.from(needle).toString('hex'));
    }
  });

  it('spends comparable time on an unknown user and on a wrong password (dummy hash)', async () => {
    const owner = await user();
    const time = async (username: string, from: string) => {
      const start = process.hrtime.bigint();
      await login(from, username, 'wrong-password-timing').expect(401);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(owner.username, '198.51.100.6'));
      unknown.push(await time('never.existed', '198.51.100.7'));
    }
    // Without the dummy verify an unknown user answers ~10× faster (no argon2 at all).
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('drops a login whose client left while it waited for hashing: no hash, no failure counted, no audit event', async () => {
    const owner = await user();
    const server = t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const hasher = t.app.get(PasswordHasher);
    const auditedFailures = async () =>
      (await t.sql(`SELECT 1 FROM audit_events WHERE action = 'auth.login' AND outcome = 'FAILURE' AND actor_user_id = $1`, [owner.userId])).length;
    const failuresBefore = await auditedFailures();
    const [{ now: started }] = await t.sql(`SELECT now()`);

    // A real login holds the only hashing slot (ARGON2_MAX_CONCURRENCY=1) …
    const hashesBefore = hasher.hashesComputed;
    const first = login('198.51.100.30', owner.username, owner.password).then((r) => r);
    for (let i = 0; i < 500 && hasher.hashesComputed === hashesBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hasher.hashesComputed).toBe(hashesBefore + 1);
    // … while five wrong-password logins queue behind it and their clients hang up.
    await Promise.all(Array.from({ length: 5 }, () => rawLogin(port, '198.51.100.31', owner.username, 'wrong-password-z', { hangUp: true })));
    expect((await first).status).toBe(200);
    // The same request from a client that waits is answered, hashed and counted (the hung-up ones were well-formed).
    expect(await rawLogin(port, '198.51.100.31', owner.username, 'wrong-password-z', { hangUp: false })).toBe(401);

    expect(hasher.hashesComputed).toBe(hashesBefore + 2);
    const counted = await t.sql(`SELECT failures FROM login_throttle WHERE scope = 'ACCOUNT_ADDRESS' AND last_failure_at >= $1`, [started]);
    expect(counted).toEqual([{ failures: 1 }]);
    expect(await auditedFailures()).toBe(failuresBefore + 1);
  });

  it('a waiting login has not touched the database, and beyond the next in line has not even been parsed', async () => {
    const owner = await user();
    const hasher = t.app.get(PasswordHasher);
    const admission = t.app.get(LoginAdmission);
    const lockChecks = jest.spyOn(t.app.get(LoginThrottle), 'assertNotLocked');
    const lookups = jest.spyOn(Repository.prototype, 'findOneBy');
    try {
      // Hold the only slot (ARGON2_MAX_CONCURRENCY=1) while five logins and then a malformed one arrive.
      let release!: () => void;
      const held = hasher.withSlot(() => new Promise<void>((r) => (release = r)));
      const logins = Array.from({ length: 5 }, () => login('198.51.100.40', owner.username, owner.password).then((r) => r.status));
      const until = async (what: () => boolean) => {
        for (let i = 0; i < 500 && !what(); i++) await new Promise((r) => setTimeout(r, 10));
      };
      // Two places beside the slot: those two are parsed and wait for the slot, the other three wait unparsed.
      await until(() => hasher.waiting === 2 && admission.waiting === 3);
      expect([hasher.waiting, admission.waiting]).toEqual([2, 3]);
      let malformedAnswered = false;
      const malformed = t
        .http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '198.51.100.41')
        .send({ username: owner.username })
        .then((r) => {
          malformedAnswered = true;
          return r;
        });
      await until(() => admission.waiting === 4);
      expect(admission.waiting).toBe(4);
      // Its validation error waits for its turn too: it has not been parsed, nor anything looked up.
      expect(malformedAnswered).toBe(false);
      expect(lockChecks).not.toHaveBeenCalled();
      expect(lookups).not.toHaveBeenCalled();
      release();
      await held;
      expect(await Promise.all(logins)).toEqual([200, 200, 200, 200, 200]);
      const refused = await malformed;
      expect(refused.status).toBe(400);
      expect(new Set(refused.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['password']));
      expect(lockChecks).toHaveBeenCalledTimes(5);
      expect(lookups).toHaveBeenCalledTimes(5);
      expect([hasher.waiting, admission.waiting]).toEqual([0, 0]);
    } finally {
      lockChecks.mockRestore();
      lookups.mockRestore();
    }
  });
});

/** A login over a bare socket: `hangUp` closes the connection right after sending; else resolves the status. */
function rawLogin(port: number, from: string, username: string, password: string, { hangUp }: { hangUp: boolean }): Promise<number | undefined> {
  const body = JSON.stringify({ username, password });
  const head = `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Forwarded-For: ${from}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(head + body, () => hangUp && socket.destroy()));
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(hangUp ? undefined : Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])));
  });
}
