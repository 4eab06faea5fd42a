import { PendingEvent, unchained } from './append-protocol';
import { GroupCommitWriter, WriterClient } from './group-commit-writer';

const ev = (action = 'case.read'): PendingEvent[] => [{ actor: { userId: null, agencyId: null, role: 'CLI', requestId: null }, event: { action, resourceType: 'case' } }];
const serverError = (code: string) => Object.assign(new Error('refused'), { code });

/**
 * A pg client that implements the writer's statements like the database does: audit_append(expected head,
 * events) appends only if the head is the expected one (else returns the current head), and commits at once.
 */
class FakeClient implements WriterClient {
  static head: { seq: number; mac: Buffer } = { seq: 0, mac: Buffer.alloc(32) };
  /** audit_staged: event ids written by committed write transactions, not yet chained. */
  static staged = new Set<string>();
  log: string[] = [];
  /** Events per committed batch. */
  batches: number[] = [];
  /** Calls that found the head moved. */
  misses = 0;
  failOn?: { sql: string; error: Error };
  ended = false;
  private onError?: (e: Error) => void;

  async query(q: string | { name: string; text: string; values: unknown[] }, params?: unknown[]): Promise<any> {
    const sql = typeof q === 'string' ? q : q.text;
    this.log.push(typeof q === 'string' ? sql.split(/\s+/)[0] : q.name);
    if (this.failOn && sql.includes(this.failOn.sql)) throw this.failOn.error;
    if (typeof q !== 'string' && q.name === 'vcm_audit_append') {
      const [seq, mac, json, stagedIds] = q.values as [number, Buffer, string, string[]];
      const head = FakeClient.head;
      if (seq !== head.seq || !mac.equals(head.mac)) {
        this.misses++;
        return { rows: [{ head_seq: String(head.seq), head_mac: head.mac, appended: false, still_staged: null }] };
      }
      const present = stagedIds.filter((id) => FakeClient.staged.has(id));
      if (present.length !== stagedIds.length) return { rows: [{ head_seq: String(head.seq), head_mac: head.mac, appended: false, still_staged: present }] };
      stagedIds.forEach((id) => FakeClient.staged.delete(id));
      const events = JSON.parse(json) as Array<{ seq: number; prev_mac: string; mac: string }>;
      expect(events[0].prev_mac).toBe(head.mac.toString('hex'));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, k) => head.seq + 1 + k));
      const last = events[events.length - 1];
      FakeClient.head = { seq: last.seq, mac: Buffer.from(last.mac, 'hex') };
      this.batches.push(events.length);
      return { rows: [{ head_seq: String(last.seq), head_mac: FakeClient.head.mac, appended: true }] };
    }
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
  FakeClient.staged = new Set();
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
  it('batches what queued while a batch was being written, one statement per batch, resolving only after it committed', async () => {
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
    // The first batch learns the head (one miss), then each batch is one statement.
    expect(clients[0].log.filter((s) => s === 'vcm_audit_append')).toHaveLength(3);
    expect(clients[0].misses).toBe(1);
  });

  it('chains again onto the head when another appender moved it, and keeps one unbroken chain', async () => {
    const { writer, clients, committed } = setup();
    await writer.write(ev());
    // A write transaction elsewhere appended two events.
    FakeClient.head = { seq: FakeClient.head.seq + 2, mac: Buffer.alloc(32, 9) };
    await writer.write(ev());
    expect(FakeClient.head.seq).toBe(4);
    expect(committed).toEqual([1, 4]);
    expect(clients[0].misses).toBe(2); // the very first call, and the moved head
  });

  it('chains staged events with the reads, deleting them from audit_staged; drops those another writer chained', async () => {
    const { writer, clients, committed } = setup();
    const staged = [...ev('case.create'), ...ev('case.update'), ...ev('case.transition')].map((e) => unchained(e));
    staged.forEach((e) => FakeClient.staged.add(e.id));
    await Promise.all([writer.write(ev()), writer.chainStaged(staged.slice(0, 1))]);
    expect(committed).toEqual([1, 2]); // heads after each batch
    expect(FakeClient.staged.size).toBe(2);
    // Another process's writer chains the second one first: this batch is appended without it, not twice.
    FakeClient.staged.delete(staged[1].id);
    await writer.chainStaged(staged.slice(1));
    expect(committed).toEqual([1, 2, 3]);
    expect(FakeClient.staged.size).toBe(0);
    // Events already queued here are not queued again (the poller finding them staged meanwhile).
    const again = unchained(ev('case.create')[0]);
    FakeClient.staged.add(again.id);
    await Promise.all([writer.chainStaged([again]), writer.chainStaged([again])]);
    expect(committed).toEqual([1, 2, 3, 4]);
    expect(clients[0].misses).toBe(1); // only the very first call (head unknown)
  });

  it('caps a batch at maxBatchEvents', async () => {
    let open!: () => void;
    const { writer, clients } = setup({ gate: new Promise<void>((r) => (open = r)), maxBatchEvents: 2 });
    const writes = Array.from({ length: 5 }, () => writer.write(ev()));
    open();
    await Promise.all(writes);
    expect(clients[0].batches).toEqual([1, 2, 2]);
  });

  it('fails closed: a refused batch rejects every caller in it and keeps the session; the next batch works', async () => {
    const { writer, clients } = setup();
    await writer.write(ev());
    clients[0].failOn = { sql: 'audit_append', error: serverError('55P03') };
    await expect(writer.write(ev())).rejects.toThrow('refused');
    expect(FakeClient.head.seq).toBe(1);
    clients[0].failOn = undefined;
    await writer.write(ev());
    expect(clients).toHaveLength(1);
    expect(FakeClient.head.seq).toBe(2);
  });

  it('replaces a connection that broke during a batch or died while idle', async () => {
    const { writer, clients } = setup();
    await writer.write(ev());
    clients[0].failOn = { sql: 'audit_append', error: new Error('Connection terminated unexpectedly') };
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
