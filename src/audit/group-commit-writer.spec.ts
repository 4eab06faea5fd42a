import { AUDIT_LOCK_KEY, PendingEvent } from './append-protocol';
import { GroupCommitWriter, WriterClient } from './group-commit-writer';

const ev = (action = 'case.read'): PendingEvent[] => [{ actor: { userId: null, agencyId: null, role: 'CLI', requestId: null }, event: { action, resourceType: 'case' } }];
const serverError = (code: string) => Object.assign(new Error('refused'), { code });

/** A pg client that implements just the append protocol's statements, with a staged (uncommitted) head. */
class FakeClient implements WriterClient {
  static head: { seq: number; mac: Buffer } = { seq: 0, mac: Buffer.alloc(32) };
  log: string[] = [];
  batches: number[] = [];
  staged?: { seq: number; mac: Buffer };
  failOn?: { sql: string; error: Error };
  ended = false;
  private onError?: (e: Error) => void;

  async query(sql: string, params?: unknown[]): Promise<any> {
    this.log.push(sql.split(/\s+/)[0]);
    if (this.failOn && sql.includes(this.failOn.sql)) throw this.failOn.error;
    if (sql.startsWith('BEGIN;')) {
      expect(sql).toContain(`pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
      return [{ rows: [] }, { rows: [{}] }, { rows: [{ seq: String(FakeClient.head.seq), mac: FakeClient.head.mac }] }];
    }
    if (sql.startsWith('WITH appended')) {
      const p = params!;
      this.staged = { seq: p[p.length - 2] as number, mac: p[p.length - 1] as Buffer };
      this.batches.push((p.length - 2) / 17);
      return { rows: [] };
    }
    if (sql === 'COMMIT') {
      FakeClient.head = this.staged!;
      this.staged = undefined;
    }
    if (sql === 'ROLLBACK') this.staged = undefined;
    if (sql.startsWith('SELECT seq, mac')) return { rows: [{ seq: String(FakeClient.head.seq), mac: FakeClient.head.mac }] };
    return { rows: [] };
  }
  on(_: 'error', listener: (e: Error) => void) {
    this.onError = listener;
  }
  async end() {
    this.ended = true;
  }
  die() {
    this.onError?.(new Error('terminated'));
  }
}

function setup(opts: { gate?: Promise<void>; maxBatchEvents?: number } = {}) {
  FakeClient.head = { seq: 0, mac: Buffer.alloc(32) };
  const clients: FakeClient[] = [];
  const committed: number[] = [];
  const writer = new GroupCommitWriter(
    async () => {
      await opts.gate;
      const c = new FakeClient();
      clients.push(c);
      return c;
    },
    Buffer.alloc(32, 7),
    (records) => committed.push(...records.map((r) => r.seq)),
    { lockTimeoutMs: 100, statementTimeoutMs: 200, maxBatchEvents: opts.maxBatchEvents ?? 1000 },
  );
  return { writer, clients, committed };
}

describe('GroupCommitWriter', () => {
  it('batches what queued while a batch was being written, and resolves only after COMMIT', async () => {
    let open!: () => void;
    const { writer, clients, committed } = setup({ gate: new Promise<void>((r) => (open = r)) });
    const seen: number[] = [];
    const writes = [writer.write(ev()), writer.write(ev()), writer.write([...ev(), ...ev()])].map((p) => p.then(() => seen.push(FakeClient.head.seq)));
    open();
    await Promise.all(writes);
    expect(clients).toHaveLength(1);
    expect(clients[0].batches).toEqual([1, 3]); // the first took what was there; the rest went together
    expect(seen.every((s) => s >= 1)).toBe(true); // nobody resolved before its batch committed
    expect(committed).toEqual([1, 2, 3, 4]);
    expect(clients[0].log.filter((s) => s === 'COMMIT')).toHaveLength(2);
  });

  it('caps a batch at maxBatchEvents', async () => {
    let open!: () => void;
    const { writer, clients } = setup({ gate: new Promise<void>((r) => (open = r)), maxBatchEvents: 2 });
    const writes = Array.from({ length: 5 }, () => writer.write(ev()));
    open();
    await Promise.all(writes);
    expect(clients[0].batches).toEqual([1, 2, 2]);
  });

  it('fails closed: a refused batch rejects every caller in it, rolls back, keeps the session; the next batch works', async () => {
    const { writer, clients } = setup();
    await writer.write(ev());
    clients[0].failOn = { sql: 'WITH appended', error: serverError('55P03') };
    await expect(writer.write(ev())).rejects.toThrow('refused');
    expect(clients[0].log.at(-1)).toBe('ROLLBACK');
    clients[0].failOn = undefined;
    await writer.write(ev());
    expect(clients).toHaveLength(1);
    expect(FakeClient.head.seq).toBe(2);
  });

  it('replaces a connection that broke during a batch or died while idle', async () => {
    const { writer, clients } = setup();
    await writer.write(ev());
    clients[0].failOn = { sql: 'COMMIT', error: new Error('Connection terminated unexpectedly') };
    await expect(writer.write(ev())).rejects.toThrow('terminated');
    expect(clients[0].ended).toBe(true);
    await writer.write(ev());
    expect(clients).toHaveLength(2);
    clients[1].die();
    expect(clients[1].ended).toBe(true);
    await writer.write(ev());
    expect(clients).toHaveLength(3);
  });

  it('fails closed when it cannot connect at all, and recovers when it can again', async () => {
    let down = true;
    const writer = new GroupCommitWriter(async () => {
      if (down) throw new Error('ECONNREFUSED');
      return new FakeClient();
    }, Buffer.alloc(32), () => undefined);
    await expect(writer.write(ev())).rejects.toThrow('ECONNREFUSED');
    down = false;
    await expect(writer.write(ev())).resolves.toBeUndefined();
  });

  it('runs exclusive work between batches, outside a transaction', async () => {
    const { writer, clients } = setup();
    const w = writer.write(ev());
    const head = writer.exclusive(async (conn) => (await conn.query('SELECT seq, mac FROM audit_head WHERE id = 1'))[0].seq);
    await w;
    expect(await head).toBe('1');
    expect(clients[0].log.slice(-1)).toEqual(['SELECT']);
  });

  it('close() finishes queued work, then refuses new work and ends the connection', async () => {
    const { writer, clients } = setup();
    const pending = writer.write(ev());
    await writer.close();
    await expect(pending).resolves.toBeUndefined();
    await expect(writer.write(ev())).rejects.toThrow('closed');
    expect(clients[0].ended).toBe(true);
  });
});
