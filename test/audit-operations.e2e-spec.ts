import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditService } from '../src/audit';
import { readCheckpoints } from '../src/audit/checkpoints';
import { GroupCommitWriter } from '../src/audit/group-commit-writer';
import { createTestApp, TestApp } from './support/app';
import { bearer, createAgency, createUserAndLogin } from './support/identity';

/** The audit trail's machinery: group writer failure and recovery, checkpoints, partitions. */

const SYSTEM = { userId: null, agencyId: null, role: null, requestId: null };

describe('audit: the group writer fails closed and recovers', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t?.close());

  it('a table locked by another connection makes the batch fail within lock_timeout; nothing is half-written', async () => {
    const connect = async () => {
      const c = new Client({ connectionString: t.databaseUrl });
      await c.connect();
      return c;
    };
    const writer = new GroupCommitWriter(connect, t.keyring.auditKey, () => undefined, { lockTimeoutMs: 300, statementTimeoutMs: 5000, maxBatchEvents: 100 });
    const locker = await connect();
    try {
      await writer.write([{ actor: SYSTEM, event: { action: 'test.before', resourceType: 'test' } }]);
      await locker.query('BEGIN; LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const reads = [1, 2, 3].map(() => writer.write([{ actor: SYSTEM, event: { action: 'test.locked', resourceType: 'test' } }]));
      for (const r of reads) await expect(r).rejects.toMatchObject({ code: '55P03' }); // lock_not_available
      expect(Date.now() - started).toBeLessThan(3000);
      await locker.query('ROLLBACK');
      await writer.write([{ actor: SYSTEM, event: { action: 'test.after', resourceType: 'test' } }]);
      const actions = (await t.sql('SELECT action FROM audit_events ORDER BY seq')).map((r) => r.action);
      expect(actions).toEqual(['test.before', 'test.after']);
      expect(await t.app.get(AuditService).verify('full')).toMatchObject({ valid: true, checked: 2 });
    } finally {
      await locker.end();
      await writer.close();
    }
  });

  it('several replicas (independent group writers) and write transactions keep one unbroken chain', async () => {
    const audit = t.app.get(AuditService);
    const db = t.app.get(DataSource);
    const [{ n: before }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    const replica = () =>
      new GroupCommitWriter(async () => {
        const c = new Client({ connectionString: t.databaseUrl });
        await c.connect();
        return c;
      }, t.keyring.auditKey, () => undefined);
    const writers = [replica(), replica()];
    try {
      const read = (i: number) => [{ actor: SYSTEM, event: { action: 'test.replica_read', resourceType: 'test', fields: [`f${i}`] } }];
      await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => writers[i % 2].write(read(i))),
        ...Array.from({ length: 40 }, () => audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }])),
        // Write transactions (the lock-then-read protocol) racing the optimistic writers.
        ...Array.from({ length: 10 }, () => db.transaction((tx) => audit.appendInTransaction(tx, SYSTEM, [{ action: 'test.write', resourceType: 'test' }, { action: 'test.write', resourceType: 'test' }]))),
      ]);
      const [{ n }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
      expect(n - before).toBe(40 + 40 + 20);
      expect(await audit.verify('full')).toEqual({ valid: true, checked: n, firstBroken: null });
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  });

  it('replaces its connection when the server kills it', async () => {
    const audit = t.app.get(AuditService);
    await audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }]);
    const killed = await t.sql(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'vcm-audit-writer' AND datname = current_database()`);
    expect(killed).toEqual([{ ok: true }]);
    // The death may be noticed by the next batch (which then fails closed) or before it; the one after works.
    const first = await audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }]).then(() => 200, (e: { getStatus(): number }) => e.getStatus());
    expect([200, 503]).toContain(first);
    await audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }]);
    expect(await audit.verify('full')).toMatchObject({ valid: true, firstBroken: null });
  });

  it('refuses inputs that are not ids, codes or field paths, and appends outside a transaction', async () => {
    const audit = t.app.get(AuditService);
    const [{ n: before }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    await expect(audit.recordRead(SYSTEM, [{ action: 'case.read', resourceType: 'case', fields: ['Nguyễn Thị Lành'] }])).rejects.toThrow(/fields is not an id/);
    await expect(audit.append(SYSTEM, [{ action: 'case.read', resourceType: 'case', purpose: 'visit her at home' }])).rejects.toThrow(/purpose is not an id/);
    await expect(audit.appendInTransaction(t.app.get(DataSource).manager, SYSTEM, [{ action: 'case.read', resourceType: 'case' }])).rejects.toThrow(/open transaction/);
    const [{ n: after }] = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    expect(after).toBe(before);
  });

  it('a write transaction\'s events are staged with it: chained before its promise resolves; rolled back with it', async () => {
    const audit = t.app.get(AuditService);
    const db = t.app.get(DataSource);
    const event = (action: string) => [{ action, resourceType: 'test' }];
    await db.transaction(async (tx) => {
      await audit.appendInTransaction(tx, SYSTEM, event('test.committed'));
      // Staged in the transaction, not chained yet: nothing else can see it before the commit.
      expect(await tx.query(`SELECT event->>'action' AS action FROM audit_staged`)).toEqual([{ action: 'test.committed' }]);
      expect(await t.sql(`SELECT 1 FROM audit_staged`)).toEqual([]);
    });
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.committed'`)).toEqual([{ n: 1 }]);
    expect(await t.sql('SELECT 1 FROM audit_staged')).toEqual([]);

    await expect(db.transaction(async (tx) => {
      await audit.appendInTransaction(tx, SYSTEM, event('test.rolled_back'));
      throw new Error('the write failed');
    })).rejects.toThrow('the write failed');
    await new Promise((r) => setTimeout(r, 1500)); // past a poll of staged events
    expect(await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.rolled_back'`)).toEqual([{ n: 0 }]);
    expect(await t.sql('SELECT 1 FROM audit_staged')).toEqual([]);
    expect(await audit.verify('full')).toMatchObject({ valid: true, firstBroken: null });
  });
});

describe('audit: checkpoints outside the database', () => {
  it('are written every AUDIT_CHECKPOINT_EVERY events and at shutdown, and catch a deleted tail that grew again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vcm-audit-cp-'));
    const checkpoints = path.join(dir, 'checkpoints.log');
    const t = await createTestApp({ AUDIT_CHECKPOINT_PATH: checkpoints, AUDIT_CHECKPOINT_EVERY: '5' });
    const audit = t.app.get(AuditService);
    const sa = (await createAgency(t, { type: 'STEERING_COMMITTEE' })).id;
    const auditor = await createUserAndLogin(t, { role: 'AUDITOR', agencyId: sa });
    let closed = false;
    try {
      for (let i = 0; i < 12; i++) await audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }]);
      await audit.checkpoint();
      const seqs = (await readCheckpoints(checkpoints, t.keyring.auditKey)).map((c) => c.seq);
      const [{ head }] = await t.sql('SELECT seq::int AS head FROM audit_head');
      // Sign-in and 12 reads at "every 5": automatic ones (triggers during a write share it), then ours.
      expect(seqs.length).toBeGreaterThanOrEqual(2);
      expect(seqs[seqs.length - 1]).toBe(head);

      // The owner deletes the newest 3 events and moves the head back; new events then reuse those seqs.
      await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await t.sql('ALTER TABLE audit_head DISABLE TRIGGER USER');
      await t.sql('DELETE FROM audit_events WHERE seq > $1', [head - 3]);
      await t.sql('UPDATE audit_head SET seq = $1, mac = (SELECT mac FROM audit_events WHERE seq = $1)', [head - 3]);
      await t.sql('ALTER TABLE audit_head ENABLE ALWAYS TRIGGER audit_head_forward');
      for (let i = 0; i < 3; i++) await audit.append(SYSTEM, [{ action: 'test.regrown', resourceType: 'test' }]);
      // The first checkpoint inside the replaced range (ours at `head`, or an automatic one before it).
      const firstVouched = Math.min(...seqs.filter((seq) => seq > head - 3));
      const [row] = await t.sql('SELECT id FROM audit_events WHERE seq = $1', [firstVouched]);
      const expected = { valid: false, checked: expect.any(Number), firstBroken: { seq: firstVouched, id: row.id } };
      expect(await audit.verify('full')).toEqual(expected);
      expect(await audit.verify('incremental')).toEqual(expected);
      const http = await t.http().get('/api/v1/audit/verify').set(bearer(auditor.token)).expect(200);
      expect(http.body).toEqual({ ...expected, checked: http.body.checked });

      // Shutdown writes a last checkpoint of the head.
      await audit.recordRead(SYSTEM, [{ action: 'test.read', resourceType: 'test' }]);
      const [{ last }] = await t.sql('SELECT seq::int AS last FROM audit_head');
      closed = true;
      await t.close();
      const after = await readCheckpoints(checkpoints, t.keyring.auditKey);
      expect(after[after.length - 1].seq).toBe(last);
    } finally {
      if (!closed) await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit: monthly partitions', () => {
  it('events land in the month\'s partition; a missing coming month is recreated protected and without grants', async () => {
    const t = await createTestApp();
    try {
      await t.app.get(AuditService).append(SYSTEM, [{ action: 'test.event', resourceType: 'test' }]);
      const now = new Date();
      const month = (i: number) => {
        const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
        return `audit_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      };
      expect(await t.sql('SELECT tableoid::regclass::text AS part FROM audit_events')).toEqual([{ part: month(0) }]);
      await t.sql(`DROP TABLE ${month(2)}`);
      expect(await t.sql('SELECT audit_ensure_partitions(3) AS n')).toEqual([{ n: 1 }]);
      const triggers = await t.sql(
        `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname`,
        [month(2)],
      );
      expect(triggers).toEqual([
        { tgname: 'audit_events_no_change', tgenabled: 'A' },
        { tgname: 'audit_events_no_truncate', tgenabled: 'A' },
      ]);
      await expect(t.sql(`TRUNCATE ${month(2)}`)).rejects.toThrow(/append-only/);
      const [{ acl }] = await t.sql(`SELECT relacl::text AS acl FROM pg_class WHERE oid = $1::regclass`, [month(2)]);
      expect(acl === null || !/(^|[{,])=|vcm_app/.test(acl)).toBe(true); // nothing for PUBLIC or other roles
    } finally {
      await t.close();
    }
  });
});
