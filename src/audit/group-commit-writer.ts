import type { Pool, PoolClient } from 'pg';
import { appendToChain, PendingEvent } from './append-protocol';
import type { AuditRecord } from './audit.types';

interface Waiter {
  events: PendingEvent[];
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Upper bound of events per transaction: keeps one INSERT's parameter count well below PostgreSQL's 65535. */
const MAX_BATCH_EVENTS = 2000;

/**
 * Appends the audit events of concurrent reads in shared transactions: while one batch commits, new events
 * queue; the next batch takes them all. One multi-row INSERT and one commit per batch. Each caller's promise
 * settles only after the batch holding its events has committed (durable before data leaves) — or rejects,
 * and the caller must then return no data.
 */
export class GroupCommitWriter {
  private queue: Waiter[] = [];
  private flushing = false;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly key: Buffer,
    private readonly onCommitted: (records: AuditRecord[]) => void,
  ) {}

  write(events: PendingEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit writer closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    void this.flush();
  }

  private take(): Waiter[] {
    let count = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n].events.length <= MAX_BATCH_EVENTS)) count += this.queue[n++].events.length;
    return this.queue.splice(0, n);
  }

  private async flush(): Promise<void> {
    const batch = this.take();
    let client: PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await this.pool.connect();
      const exec = async (sql: string, params?: unknown[]) => (await client!.query(sql, params)).rows;
      await client.query('BEGIN');
      const records = await appendToChain(exec, this.key, batch.flatMap((w) => w.events));
      await client.query('COMMIT');
      this.onCommitted(records);
      batch.forEach((w) => w.resolve());
    } catch (e) {
      broken = e as Error;
      if (client) await client.query('ROLLBACK').catch(() => undefined);
      batch.forEach((w) => w.reject(e as Error));
    } finally {
      // A connection that failed mid-transaction is discarded, not returned to the pool.
      client?.release(broken);
      this.flushing = false;
      this.kick();
    }
  }

  /** Waits for queued events to be written; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }
}
