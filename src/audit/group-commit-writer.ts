import { appendOptimistic, ChainConnection, chainConnection, ChainHead, PendingEvent, PgQueryable, unchained, UnchainedRecord } from './append-protocol';
import type { AuditRecord } from './audit.types';

/** What the writer needs of a pg.Client. */
export interface WriterClient extends PgQueryable {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: any[] }>;
  query(sql: string, params?: unknown[]): Promise<any>;
  on(event: 'error', listener: (e: Error) => void): unknown;
  end(): Promise<void>;
}

export interface WriterOptions {
  /** Longest wait for the chain lock (held by write transactions) before the batch fails closed. */
  lockTimeoutMs: number;
  /** Server-side cap on any statement of the writer. */
  statementTimeoutMs: number;
  /** Events per transaction; keeps one INSERT's parameters (17 per event) far below PostgreSQL's 65535. */
  maxBatchEvents: number;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = { lockTimeoutMs: 5000, statementTimeoutMs: 15000, maxBatchEvents: 1000 };

interface Waiter {
  events: UnchainedRecord[];
  /** The events are rows of `audit_staged` (committed by a write transaction), deleted there as they are chained. */
  staged: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** SQLSTATE classes after which the session is unusable (connection exceptions, server shutdown). */
const CONNECTION_LOST = /^(08|57P)/;

/**
 * Appends the audit events of concurrent reads — and chains the events write transactions staged — in shared
 * transactions: while one batch commits, new events queue; the next batch takes them all. One autocommit
 * statement per batch (appendOptimistic: lock, check the expected head and that the staged events are still
 * staged, insert, delete them from `audit_staged`, move the head, commit — one round trip), on a dedicated
 * connection (so a busy pool never delays the audit, and the pool never waits for the writer).
 * Each caller's promise settles only after the batch holding its events has committed (durable before data
 * leaves) — or rejects, and the caller must then return no data. A dead connection is replaced on the
 * next batch.
 */
export class GroupCommitWriter {
  private queue: Waiter[] = [];
  private jobs: Array<() => Promise<void>> = [];
  private running = false;
  private closed = false;
  private client?: WriterClient;
  /** The head this writer last committed: the next batch is chained onto it (a guess, checked under the lock). */
  private head?: ChainHead;
  /** Ids of staged events queued or in a batch here: the poller does not queue them twice. */
  private readonly stagedHere = new Set<string>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly connect: () => Promise<WriterClient>,
    private readonly key: Buffer,
    private readonly onCommitted: (records: AuditRecord[]) => void,
    private readonly options: WriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  write(events: PendingEvent[]): Promise<void> {
    const occurredAt = new Date().toISOString();
    return this.enqueue(events.map((e) => unchained(e, occurredAt)), false);
  }

  /**
   * Chains events that a committed write transaction staged (`audit_staged`), deleting them there in the same
   * transaction. Resolves once they are in the chain — by this writer, or by another process's writer that got
   * to them first. Events already queued here are not queued twice.
   */
  chainStaged(events: UnchainedRecord[]): Promise<void> {
    return this.enqueue(events.filter((e) => !this.stagedHere.has(e.id)), true);
  }

  private enqueue(events: UnchainedRecord[], staged: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit writer closed'));
    if (events.length === 0) return Promise.resolve();
    if (staged) events.forEach((e) => this.stagedHere.add(e.id));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, staged, resolve, reject });
      this.kick();
    });
  }

  /** Runs `fn` on the writer's connection between two batches, outside any transaction (e.g. read the head). */
  exclusive<T>(fn: (conn: ChainConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('audit writer closed'));
    return new Promise<T>((resolve, reject) => {
      this.jobs.push(async () => {
        const client = await this.connection().catch((e: Error) => (reject(e), undefined));
        if (!client) return;
        try {
          resolve(await fn(chainConnection(client)));
        } catch (e) {
          reject(e as Error);
          if (!this.isServerError(e)) this.discard(client);
        }
      });
      this.kick();
    });
  }

  /** Resolves when everything queued so far has been written (or failed). */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new work, finishes queued work, closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    if (this.client) this.discard(this.client);
  }

  private kick(): void {
    if (this.running || (this.queue.length === 0 && this.jobs.length === 0)) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (this.jobs.length || this.queue.length) {
      const job = this.jobs.shift();
      if (job) await job();
      else await this.flush(this.take());
    }
    this.running = false;
    this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private take(): Waiter[] {
    let count = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n].events.length <= this.options.maxBatchEvents)) count += this.queue[n++].events.length;
    return this.queue.splice(0, n);
  }

  private async flush(batch: Waiter[]): Promise<void> {
    let client: WriterClient | undefined;
    let events = batch.flatMap((w) => w.events);
    const staged = new Set(batch.filter((w) => w.staged).flatMap((w) => w.events.map((e) => e.id)));
    let records: AuditRecord[] = [];
    try {
      client = await this.connection();
      // At most a few rounds: each drops the staged events another writer chained meanwhile.
      for (let round = 0; events.length > 0; round++) {
        if (round >= 5) throw new Error('staged audit events kept being chained elsewhere; batch not appended');
        const result = await appendOptimistic(client, this.key, this.head, events, events.filter((e) => staged.has(e.id)).map((e) => e.id));
        this.head = result.head;
        if (result.appended) {
          records = result.records;
          break;
        }
        const still = result.stillStaged;
        events = events.filter((e) => !staged.has(e.id) || still.has(e.id));
      }
    } catch (e) {
      // Fail closed. (If the connection died after the commit the batch may be durable: the read still fails — safe.)
      this.head = undefined;
      batch.forEach((w) => w.reject(e as Error));
      if (client && !this.isServerError(e)) this.discard(client);
      return;
    } finally {
      staged.forEach((id) => this.stagedHere.delete(id));
    }
    batch.forEach((w) => w.resolve());
    try {
      if (records.length) this.onCommitted(records);
    } catch {
      /* bookkeeping (checkpoint counters) must never turn a committed read into a failure */
    }
  }

  private isServerError(e: unknown): boolean {
    const code = (e as { code?: unknown })?.code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !CONNECTION_LOST.test(code);
  }

  private discard(client: WriterClient): void {
    if (this.client === client) this.client = undefined;
    client.end().catch(() => undefined);
  }

  private async connection(): Promise<WriterClient> {
    if (this.client) return this.client;
    const client = await this.connect();
    // Without a listener an idle connection's death (server restart, terminated backend) would crash Node.
    client.on('error', () => this.discard(client));
    const { lockTimeoutMs, statementTimeoutMs } = this.options;
    try {
      await client.query(
        `SET lock_timeout = ${Math.floor(lockTimeoutMs)}; SET statement_timeout = ${Math.floor(statementTimeoutMs)}; ` +
          // Audit rows must be durable before data leaves: never inherit synchronous_commit = off.
          `SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'`,
      );
    } catch (e) {
      client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    return client;
  }
}
