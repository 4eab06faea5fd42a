import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AuditService } from '../src/audit';
import { appendToChain, AUDIT_LOCK_KEY, chainConnection, unchained } from '../src/audit/append-protocol';
import { STAGED_INSERT_SQL } from '../src/audit/staged';
import { GroupCommitWriter } from '../src/audit/group-commit-writer';
import { createTestApp, TestApp } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';
import { waitFor } from './support/wait';

const SYSTEM = { userId: null, agencyId: null, role: null, requestId: null };

/** The app-role grants exactly as src/audit/README.md prescribes them, for a test role. */
function appRoleGrants(role: string, password: string): string {
  const readme = readFileSync(path.join(__dirname, '../src/audit/README.md'), 'utf8');
  const block = /```sql\n-- app-role-grants\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('src/audit/README.md lost its app-role-grants block');
  return block[1].replace(/\bvcm_app\b/g, role).replace("'change-me'", `'${password}'`);
}

/** A case-owning caseworker and an auditor in a fresh app/database. */
async function world(): Promise<{ t: TestApp; cw: TestUser; auditor: TestUser }> {
  const t = await createTestApp();
  const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
  const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
  const auditor = await createUserAndLogin(t, { role: 'AUDITOR', agencyId: (await createAgency(t, { type: 'STEERING_COMMITTEE' })).id });
  return { t, cw, auditor };
}

/** The rows `sql` finds once the poller has chained what it looks for (it adopts staged events every second). */
const chainedRows = <T extends Record<string, unknown>>(t: TestApp, sql: string, params: unknown[], what: string) =>
  waitFor(async () => {
    const rows = await t.sql<T>(sql, params);
    return rows.length ? rows : undefined;
  }, what, 10000);

const caseEvents = (t: TestApp) =>
  t.sql<{ seq: string; action: string; resource_id: string | null; resource_ids: string[] | null; fields: string[]; actor_user_id: string; canonical: string }>(
    `SELECT seq, action, resource_id, resource_ids, fields, actor_user_id, canonical FROM audit_events WHERE resource_type = 'case' ORDER BY seq`,
  );

describe('audit: every case read and write appends exactly one event with the field paths', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => (w = await world()));
  afterAll(() => w?.t.close());

  it('create, read, list and update → one event each, naming ids and field paths, never a value', async () => {
    const { t, cw } = w;
    const body = receptionPayload(700);
    const created = await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(body).expect(201);
    const id = created.body.id;
    let events = await caseEvents(t);
    expect(events.map((e) => e.action)).toEqual(['case.create']);
    expect(events[0].resource_id).toBe(id);
    expect(events[0].fields).toEqual(expect.arrayContaining(['victim.fullName', 'victim.idNumber', 'accompanyingMinors.fullName', 'summary']));

    await t.http().get(`/api/v1/cases/${id}`).set(bearer(cw.token)).set('X-Access-Purpose', 'NEEDS_ASSESSMENT').expect(200);
    events = await caseEvents(t);
    expect(events.map((e) => e.action)).toEqual(['case.create', 'case.read']);
    expect(events[1].fields).toEqual(expect.arrayContaining(['victim.fullName', 'victim.narrative', 'accompanyingMinors.fullName', 'caseNumber']));
    // Only what was returned: the case has no relatives, so no relatives.* paths.
    expect(events[1].fields.filter((f) => f.startsWith('relatives.'))).toEqual([]);
    expect(events[1].canonical).toContain('NEEDS_ASSESSMENT');
    expect(events[1].actor_user_id).toBe(cw.userId);

    await t.http().get('/api/v1/cases').set(bearer(cw.token)).expect(200);
    events = await caseEvents(t);
    expect(events[2].action).toBe('case.list');
    expect(events[2].resource_ids).toEqual([id]);
    expect(events[2].fields).toEqual(expect.arrayContaining(['victim.fullName', 'caseNumber']));
    expect(events[2].fields).not.toContain('summary');

    await t.http().patch(`/api/v1/cases/${id}`).set(bearer(cw.token)).set('If-Match', created.headers.etag).send({ summary: 'mới' }).expect(200);
    events = await caseEvents(t);
    expect(events.map((e) => e.action)).toEqual(['case.create', 'case.read', 'case.list', 'case.update']);
    expect(events[3].fields).toEqual(['summary']);

    const all = JSON.stringify(await t.sql('SELECT * FROM audit_events'));
    for (const secret of [body.victim.fullName, body.victim.idNumber, body.victim.phone, 'mới']) expect(all).not.toContain(secret);
  });

  it('a failed (404) read returns nothing and appends nothing that names a person', async () => {
    const { t, cw } = w;
    const before = (await caseEvents(t)).length;
    await t.http().get('/api/v1/cases/0190a000-0000-7000-8000-000000000000').set(bearer(cw.token)).expect(404);
    expect((await caseEvents(t)).length).toBe(before);
  });

  it('GET /audit/events (AUDITOR) filters by resource and action; other roles get 403', async () => {
    const { t, cw, auditor } = w;
    const [first] = await caseEvents(t);
    const res = await t.http().get(`/api/v1/audit/events?resourceType=case&resourceId=${first.resource_id}&action=case.read`).set(bearer(auditor.token)).expect(200);
    expect(res.body.items).toHaveLength(1);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(
      ['action', 'actorAgencyId', 'actorRole', 'actorUserId', 'fields', 'id', 'occurredAt', 'outcome', 'purpose', 'requestId', 'resourceId', 'resourceIds', 'resourceType', 'seq'].sort(),
    );
    const page1 = await t.http().get('/api/v1/audit/events?limit=2').set(bearer(auditor.token)).expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.http().get(`/api/v1/audit/events?limit=2&cursor=${page1.body.nextCursor}`).set(bearer(auditor.token)).expect(200);
    expect(page2.body.items[0].seq).toBeLessThan(page1.body.items[1].seq);
    await t.http().get('/api/v1/audit/events').set(bearer(cw.token)).expect(403);
    await t.http().get('/api/v1/audit/verify').set(bearer(cw.token)).expect(403);
    const verify = await t.http().get('/api/v1/audit/verify?mode=full').set(bearer(auditor.token)).expect(200);
    expect(verify.body).toEqual({ valid: true, checked: expect.any(Number), firstBroken: null });
  });
});

describe('audit: concurrent appends keep one unbroken chain', () => {
  it('after another process appended, a reception\'s staged event is chained onto the real head', async () => {
    const { t, cw } = await world();
    try {
      await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(700)).expect(201); // the process knows the head
      // Another process (a second app instance, a CLI) appends: this process's guess is now one event behind.
      const other = new Client({ connectionString: t.databaseUrl });
      await other.connect();
      try {
        await other.query('BEGIN');
        await appendToChain(chainConnection(other), t.keyring.auditKey, [{ actor: SYSTEM, event: { action: 'test.other_process', resourceType: 'test' } }]);
        await other.query('COMMIT');
      } finally {
        await other.end();
      }
      const [{ seq: otherSeq }] = await t.sql<{ seq: string }>(`SELECT seq FROM audit_events WHERE action = 'test.other_process' ORDER BY seq DESC LIMIT 1`);
      // The reception stages its event in its own statement; the group writer's first call then misses (its guess
      // is the head before that append) and the event goes onto the head it returned, under the lock it took.
      const created = await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(701)).expect(201);
      const events = await t.sql<{ seq: string }>(`SELECT seq FROM audit_events WHERE action = 'case.create' AND resource_id = $1`, [created.body.id]);
      expect(events.map((e) => Number(e.seq))).toEqual([Number(otherSeq) + 1]);
      expect(await t.sql('SELECT event_id FROM audit_staged')).toEqual([]); // answered only once chained
      expect(await t.app.get(AuditService).verify('full')).toMatchObject({ valid: true, firstBroken: null });
    } finally {
      await t.close();
    }
  });

  it('events another process staged (or a run that died between its commit and the chaining) are chained by the poller; free text is not', async () => {
    const { t, cw } = await world();
    try {
      const stagedEvent = (id: string, over: Record<string, unknown>) => [id, JSON.stringify({
        id, occurredAt: new Date().toISOString(), actorUserId: cw.userId, actorAgencyId: null, actorRole: 'CASEWORKER', action: 'case.update',
        resourceType: 'case', resourceId: randomUUID(), resourceIds: null, fields: ['summary'], purpose: null, outcome: 'SUCCESS', requestId: 'r-1', ...over,
      })];
      // A thousand rows with a name in them (only tampering makes such rows), and behind them — last in the
      // poller's order — a well-formed event of another process.
      const bad = Array.from({ length: 1000 }, () => stagedEvent(randomUUID().replace(/^./, '0'), { fields: ['Nguyễn Thị Lành'] }));
      const orphan = `ffffffff-ffff-7fff-bfff-${randomBytes(6).toString('hex')}`;
      await t.sql(`INSERT INTO audit_staged (event_id, event) SELECT (e->>0)::uuid, (e->>1)::jsonb FROM jsonb_array_elements($1::jsonb) e`, [JSON.stringify([...bad, stagedEvent(orphan, {})])]);
      const chained = await chainedRows<{ canonical: string }>(t, 'SELECT canonical FROM audit_events WHERE id = $1', [orphan], 'the orphan staged event');
      expect(chained).toHaveLength(1);
      expect(JSON.parse(chained[0].canonical)).toEqual(expect.arrayContaining([orphan, 'case.update', ['summary']]));
      // The rows with a name in them stay staged, out of the chain.
      expect(await t.sql('SELECT count(*)::int AS n FROM audit_staged')).toEqual([{ n: 1000 }]);
      expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE canonical LIKE '%Lành%'`)).toEqual([{ n: 0 }]);
      await expect(t.sql(`UPDATE audit_staged SET event = '{}'`)).rejects.toThrow(/append-only/);
      expect(await t.app.get(AuditService).verify('full')).toMatchObject({ valid: true, firstBroken: null });
    } finally {
      await t.close();
    }
  });

  it('parallel reads (group commit), writes (in transactions) and standalone appends from several connections', async () => {
    const { t, cw } = await world();
    try {
      const ids: Array<{ id: string; etag: string }> = [];
      for (let i = 0; i < 5; i++) {
        const r = await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(800 + i)).expect(201);
        ids.push({ id: r.body.id, etag: r.headers.etag });
      }
      const audit = t.app.get(AuditService);
      const system = { userId: null, agencyId: null, role: null, requestId: null };
      const [{ n: before }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
      const work = [
        ...Array.from({ length: 60 }, (_, i) => t.http().get(`/api/v1/cases/${ids[i % 5].id}`).set(bearer(cw.token)).then((r) => r.status)),
        ...ids.map((c) => t.http().patch(`/api/v1/cases/${c.id}`).set(bearer(cw.token)).set('If-Match', c.etag).send({ summary: 'x' }).then((r) => r.status)),
        ...Array.from({ length: 10 }, () => t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(900)).then((r) => r.status)),
        ...Array.from({ length: 10 }, () => audit.append(system, [{ action: 'test.append', resourceType: 'test' }]).then(() => 200)),
      ];
      const statuses = await Promise.all(work);
      expect(statuses.filter((s) => s >= 300)).toEqual([]);
      const result = await audit.verify('full');
      const [{ n }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
      expect(result).toEqual({ valid: true, checked: n, firstBroken: null });
      expect(n - before).toBe(60 + 5 + 10 + 10);
      const seqs = (await t.sql('SELECT seq FROM audit_events ORDER BY seq')).map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    } finally {
      await t.close();
    }
  });
});

describe('audit: tampering by the database owner is detected at the right seq', () => {
  /** A chain of 12 events and a checkpoint at its head; returns the app (owner SQL via t.sql). */
  async function chain(): Promise<TestApp> {
    const t = await createTestApp();
    const audit = t.app.get(AuditService);
    const system = { userId: null, agencyId: null, role: null, requestId: null };
    for (let i = 0; i < 12; i++) await audit.append(system, [{ action: 'test.event', resourceType: 'test', fields: [`f${i}`] }]);
    await audit.checkpoint();
    // The owner can always switch the triggers off; the HMAC chain and checkpoints are what catch them.
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await t.sql('ALTER TABLE audit_head DISABLE TRIGGER USER');
    return t;
  }
  const verify = async (t: TestApp) => ({
    full: await t.app.get(AuditService).verify('full'),
    incremental: await t.app.get(AuditService).verify('incremental'),
  });

  it('an intact chain verifies in both modes', async () => {
    const t = await chain();
    try {
      const r = await verify(t);
      expect(r.full).toEqual({ valid: true, checked: 12, firstBroken: null });
      expect(r.incremental).toEqual({ valid: true, checked: 0, firstBroken: null });
    } finally {
      await t.close();
    }
  });

  it('a modified row', async () => {
    const t = await chain();
    try {
      const [row] = await t.sql(`UPDATE audit_events SET action = 'test.innocent' WHERE seq = 5 RETURNING id`);
      expect((await verify(t)).full.firstBroken).toEqual({ seq: 5, id: row.id });
    } finally {
      await t.close();
    }
  });

  it('a modified row whose canonical bytes are edited to match', async () => {
    const t = await chain();
    try {
      await t.sql(`UPDATE audit_events SET fields = '{x}', canonical = replace(canonical, '["f4"]', '["x"]') WHERE seq = 5`);
      const r = await verify(t);
      expect(r.full.firstBroken?.seq).toBe(5);
      // Incremental mode trusts history up to the last good checkpoint (row 12 still matches it) by design:
      // it is the cheap, frequent check; the full mode is the one that re-proves everything.
      expect(r.incremental).toEqual({ valid: true, checked: 0, firstBroken: null });
    } finally {
      await t.close();
    }
  });

  it('a deleted row', async () => {
    const t = await chain();
    try {
      await t.sql('DELETE FROM audit_events WHERE seq = 7');
      expect((await verify(t)).full.firstBroken).toEqual({ seq: 7, id: null });
    } finally {
      await t.close();
    }
  });

  it('reordered rows (two events swap places)', async () => {
    const t = await chain();
    try {
      await t.sql('UPDATE audit_events SET seq = -1 WHERE seq = 3');
      await t.sql('UPDATE audit_events SET seq = 3 WHERE seq = 4');
      await t.sql('UPDATE audit_events SET seq = 4 WHERE seq = -1');
      expect((await verify(t)).full.firstBroken?.seq).toBe(3);
    } finally {
      await t.close();
    }
  });

  it('a deleted tail with the head moved back to match', async () => {
    const t = await chain();
    try {
      await t.sql('DELETE FROM audit_events WHERE seq > 9');
      await t.sql('UPDATE audit_head SET seq = 9, mac = (SELECT mac FROM audit_events WHERE seq = 9)');
      const r = await verify(t);
      expect(r.full.firstBroken).toEqual({ seq: 10, id: null });
      expect(r.incremental.firstBroken).toEqual({ seq: 10, id: null });
    } finally {
      await t.close();
    }
  });

  it('hashes recomputed without the key (plain SHA-256 over the same bytes)', async () => {
    const t = await chain();
    try {
      const rows = await t.sql<{ seq: string; canonical: string }>('SELECT seq, canonical FROM audit_events WHERE seq >= 6 ORDER BY seq');
      let [{ mac: prev }] = await t.sql<{ mac: Buffer }>('SELECT mac FROM audit_events WHERE seq = 5');
      for (const r of rows) {
        const canonical = r.canonical.replace('test.event', 'test.forged');
        const mac = createHash('sha256').update(prev).update(canonical).digest();
        await t.sql(`UPDATE audit_events SET canonical = $1, action = 'test.forged', prev_mac = $2, mac = $3 WHERE seq = $4`, [canonical, prev, mac, r.seq]);
        prev = mac;
      }
      await t.sql('UPDATE audit_head SET mac = $1', [prev]);
      expect((await verify(t)).full.firstBroken?.seq).toBe(6);
    } finally {
      await t.close();
    }
  });
});

describe('audit: the app role cannot change history; a failed audit write fails the read', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => (w = await world()));
  afterAll(() => w?.t.close());

  it('as the app role with the README grants: UPDATE/DELETE/TRUNCATE are denied on the table and every partition; appending through the protocol works', async () => {
    const { t } = w;
    const audit = t.app.get(AuditService);
    await audit.append(SYSTEM, [{ action: 'test.event', resourceType: 'test' }]);
    const [{ part }] = await t.sql(`SELECT tableoid::regclass::text AS part FROM audit_events ORDER BY seq DESC LIMIT 1`);
    expect(part).toMatch(/^audit_events_\d{4}_\d{2}$/); // a monthly partition, not the default one
    const role = `vcm_app_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await t.sql(appRoleGrants(role, password));
    const url = new URL(t.databaseUrl);
    url.username = role;
    url.password = password;
    const app = new Client({ connectionString: url.toString() });
    await app.connect();
    try {
      // Denied by privileges alone (the triggers, tested separately, would stop them too).
      for (const table of ['audit_events', 'audit_events_default', part]) {
        for (const sql of [`UPDATE ${table} SET action = 'x'`, `DELETE FROM ${table}`, `TRUNCATE ${table}`]) {
          await expect(app.query(sql)).rejects.toThrow(/permission denied/);
        }
      }
      await expect(app.query(`SELECT count(*) FROM ${part}`)).rejects.toThrow(/permission denied/);
      await expect(app.query('DELETE FROM audit_head')).rejects.toThrow(/permission denied/);
      await expect(app.query('TRUNCATE audit_head')).rejects.toThrow(/permission denied/);
      await expect(app.query('UPDATE audit_head SET seq = 0')).rejects.toThrow(/only moves forward/);
      await expect(app.query(`INSERT INTO ${part} SELECT * FROM audit_events LIMIT 1`)).rejects.toThrow(/permission denied/);

      // What the app needs works: append through the protocol, read, keep partitions coming.
      await app.query('BEGIN');
      await appendToChain(chainConnection(app), t.keyring.auditKey, [{ actor: SYSTEM, event: { action: 'test.as_app_role', resourceType: 'test' } }]);
      await app.query('COMMIT');
      expect((await app.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.as_app_role'`)).rows[0].n).toBe(1);
      // … and the group writer's one-statement append (audit_append, SECURITY INVOKER) under the same grants.
      const writer = new GroupCommitWriter(async () => {
        const c = new Client({ connectionString: url.toString() });
        await c.connect();
        return c;
      }, t.keyring.auditKey, () => undefined);
      try {
        await Promise.all([1, 2, 3].map(() => writer.write([{ actor: SYSTEM, event: { action: 'test.as_app_role_read', resourceType: 'test' } }])));
        // A write's staged event (inserted in its transaction, chained and deleted by the writer); never updated.
        const staged = unchained({ actor: SYSTEM, event: { action: 'test.as_app_role_write', resourceType: 'test' } });
        await app.query(STAGED_INSERT_SQL('$1'), [JSON.stringify([staged])]);
        await expect(app.query(`UPDATE audit_staged SET event = '{}'`)).rejects.toThrow(/permission denied/);
        await writer.chainStaged([staged]);
        expect((await app.query('SELECT count(*)::int AS n FROM audit_staged')).rows[0].n).toBe(0);
        expect((await app.query(`SELECT count(*)::int AS n FROM audit_events WHERE id = $1`, [staged.id])).rows[0].n).toBe(1);
      } finally {
        await writer.close();
      }
      expect((await app.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.as_app_role_read'`)).rows[0].n).toBe(3);
      expect((await app.query('SELECT audit_ensure_partitions(3) AS n')).rows[0].n).toBe(0);
      expect(await audit.verify('full')).toMatchObject({ valid: true, firstBroken: null });
    } finally {
      await app.end();
      await t.sql(`DROP OWNED BY ${role}`);
      await t.sql(`DROP ROLE ${role}`);
    }
  });

  it('audit_append writes nothing unless the batch continues the chain exactly from the expected head', async () => {
    const { t } = w;
    const audit = t.app.get(AuditService);
    await audit.append(SYSTEM, [{ action: 'test.event', resourceType: 'test' }]);
    const [head] = await t.sql<{ seq: string; mac: Buffer }>('SELECT seq, mac FROM audit_head');
    const [{ n: before }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    const seq = Number(head.seq);
    const event = (over: Record<string, unknown>) => ({
      seq: seq + 1, id: randomUUID(), occurred_at: new Date().toISOString(), action: 'test.forged', resource_type: 'test',
      outcome: 'SUCCESS', prev_mac: head.mac.toString('hex'), mac: 'ab'.repeat(32), canonical: '{}', ...over,
    });
    const call = (expectedSeq: number, events: object[], staged: string[] = []) =>
      t.sql('SELECT head_seq, appended, still_staged FROM audit_append($1, $2, $3, $4)', [expectedSeq, head.mac, JSON.stringify(events), staged]);
    // The function takes the same advisory lock as the in-transaction protocol (the key is written in the migration).
    const [{ def }] = await t.sql(`SELECT pg_get_functiondef('audit_append(bigint, bytea, jsonb, uuid[])'::regprocedure) AS def`);
    expect(def).toContain(`pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
    // A stale expected head: nothing written, the current head returned.
    expect(await call(seq - 1, [event({ seq })])).toEqual([{ head_seq: String(seq), appended: false, still_staged: null }]);
    // Staged events of which one is no longer staged (another writer chained it): nothing written, the rest named.
    const staged = [randomUUID(), randomUUID()];
    await t.sql(`INSERT INTO audit_staged (event_id, event) VALUES ($1, '{}')`, [staged[0]]);
    expect(await call(seq, [event({})], staged)).toEqual([{ head_seq: String(seq), appended: false, still_staged: [staged[0]] }]);
    expect(await t.sql('SELECT event_id FROM audit_staged')).toEqual([{ event_id: staged[0] }]);
    await t.sql('DELETE FROM audit_staged');
    // Expected head right, but the batch skips a number, repeats one, or does not start from the head's MAC.
    await expect(call(seq, [event({ seq: seq + 2 })])).rejects.toThrow(/does not continue the chain/);
    await expect(call(seq, [event({}), event({ occurred_at: new Date(Date.now() + 1000).toISOString() })])).rejects.toThrow(/does not continue the chain/);
    await expect(call(seq, [event({ prev_mac: '00'.repeat(32) })])).rejects.toThrow(/does not continue the chain/);
    const [{ n: after }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    expect(after).toBe(before);
    expect(await audit.verify('full')).toMatchObject({ valid: true, firstBroken: null });
  });

  it('the triggers stop even the owner (without disabling them first), also in replica mode', async () => {
    const { t } = w;
    await expect(t.sql(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.sql('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(t.sql('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    await t.sql(`SET session_replication_role = replica`);
    try {
      await expect(t.sql(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    } finally {
      await t.sql(`SET session_replication_role = origin`);
    }
  });

  it('when the audit write fails, the read answers 503 and returns no data; a write commits with its event staged, chained once it recovers', async () => {
    const { t, cw } = w;
    let writtenDuringFailure = '';
    const created = await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(950)).expect(201);
    await t.sql(`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$`);
    await t.sql(`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION fail_audit()`);
    try {
      const res = await t.http().get(`/api/v1/cases/${created.body.id}`).set(bearer(cw.token));
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.body)).not.toContain('Lành');
      expect(JSON.stringify(res.body)).not.toContain('disk full');
      const list = await t.http().get('/api/v1/cases').set(bearer(cw.token));
      expect(list.status).toBe(503);
      expect(JSON.stringify(list.body)).not.toContain('Lành');
      // A login's event goes through the same writer: no audit, no token.
      const login = await t.http().post('/api/v1/auth/login').send({ username: cw.username, password: cw.password });
      expect(login.status).toBe(503);
      expect(login.body.accessToken).toBeUndefined();
      // A write's event commits with the write (staged); only its chaining waits for the trail to recover.
      const during = await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(951)).expect(201);
      expect(await t.sql('SELECT event->>\'action\' AS action FROM audit_staged WHERE event->>\'resourceId\' = $1', [during.body.id])).toEqual([{ action: 'case.create' }]);
      writtenDuringFailure = during.body.id;
    } finally {
      await t.sql('DROP TRIGGER fail_audit ON audit_events');
      await t.sql('DROP FUNCTION fail_audit');
    }
    const again = await t.http().get(`/api/v1/cases/${created.body.id}`).set(bearer(cw.token)).expect(200);
    expect(again.body.victim.fullName).toBe('Nguyễn Thị Lành 950');
    const chained = await chainedRows(t, `SELECT seq FROM audit_events WHERE action = 'case.create' AND resource_id = $1`, [writtenDuringFailure], 'the event staged during the outage');
    expect(chained).toHaveLength(1);
    expect(await t.sql('SELECT event_id FROM audit_staged')).toEqual([]);
    expect(await t.app.get(AuditService).verify('full')).toMatchObject({ valid: true, firstBroken: null });
  });
});

describe('audit: identity events', () => {
  it('logins (success and failure), user and agency creation are in the chain without usernames or passwords', async () => {
    const { t, cw } = await world();
    try {
      await t.http().post('/api/v1/auth/login').send({ username: cw.username, password: 'wrong-password-123' }).expect(401);
      await t.http().post('/api/v1/auth/login').send({ username: 'nobody.here', password: 'wrong-password-123' }).expect(401);
      const rows = await t.sql<{ action: string; outcome: string; actor_user_id: string | null; canonical: string }>(
        `SELECT action, outcome, actor_user_id, canonical FROM audit_events WHERE action IN ('auth.login', 'user.create', 'agency.create') ORDER BY seq`,
      );
      const logins = rows.filter((r) => r.action === 'auth.login');
      expect(logins.map((r) => r.outcome)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE', 'FAILURE']);
      expect(logins[2].actor_user_id).toBe(cw.userId);
      expect(logins[3].actor_user_id).toBeNull();
      expect(rows.filter((r) => r.action === 'user.create')).toHaveLength(2);
      expect(rows.filter((r) => r.action === 'agency.create')).toHaveLength(2);
      const text = JSON.stringify(rows);
      for (const secret of [cw.username, cw.password, 'nobody.here', 'wrong-password-123']) expect(text).not.toContain(secret);
    } finally {
      await t.close();
    }
  });
});
