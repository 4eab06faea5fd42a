import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Keyring } from '../crypto';
import { appendOptimistic, HEAD_SQL, PendingEvent } from './append-protocol';
import type { AuditActor, AuditEventInput } from './audit.types';
import { Checkpointer } from './checkpointer';
import { appendCheckpoint, makeCheckpoint, readCheckpoints } from './checkpoints';
import { GroupCommitWriter, WriterClient } from './group-commit-writer';
import { ensurePartitions } from './partitions';
import { toPending } from './validate';
import { verifyChain, VerifyResult } from './verifier';

/** Checkpoint at most this often while events arrive (plus every AUDIT_CHECKPOINT_EVERY events, and at shutdown). */
const CHECKPOINT_INTERVAL_MS = 5000;
/** Check daily that the coming months' partitions exist (the migration also creates them years ahead). */
const PARTITION_CHECK_MS = 24 * 3600 * 1000;

/** Only error names and SQLSTATEs are logged: driver messages may quote parameters. */
const errInfo = (e: unknown) => ({ name: (e as Error)?.name, code: (e as { code?: string })?.code });

/**
 * The audit trail's one entry point (DESIGN.md "Privacy model" 5). Every writer goes through the same
 * append protocol (append-protocol.ts): writes inside their business transaction, reads through the
 * group-commit writer, standalone events (logins) through the writer too (their own transaction outside Nest).
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  // Created in onModuleInit; absent when a CLI constructs the service directly (append only).
  private writer?: GroupCommitWriter;
  private checkpointer?: Checkpointer;
  private partitionTimer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly keyring: Keyring, private readonly config: AppConfig) {}

  onModuleInit(): void {
    // The writer's own connection, made exactly as the TypeORM pool makes its clients (same URL, TLS,
    // options), but outside the pool: reads never queue behind a busy pool, and closing the pool never
    // waits for the writer.
    const pool = (this.db.driver as unknown as { master: Pool & { Client: new (o: object) => WriterClient & { connect(): Promise<void> }; options: object } }).master;
    const connect = async () => {
      const client = new pool.Client({ ...pool.options, application_name: 'vcm-audit-writer', query_timeout: 30_000 });
      await client.connect();
      return client;
    };
    const writer = new GroupCommitWriter(connect, this.keyring.auditKey, (records) => checkpointer.noteAppended(records.length));
    const checkpointer = new Checkpointer({
      key: this.keyring.auditKey,
      target: this.config.AUDIT_CHECKPOINT_PATH,
      every: this.config.AUDIT_CHECKPOINT_EVERY,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      // Read between two batches on the writer's connection: it sees every committed append.
      readHead: () => writer.exclusive(async (conn) => headOf(await conn.query(HEAD_SQL))),
      onError: (e) => this.logger.error({ err: errInfo(e) }, 'audit checkpoint could not be written'),
    });
    checkpointer.start();
    this.writer = writer;
    this.checkpointer = checkpointer;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
    this.partitionTimer = setInterval(() => void this.ensurePartitions(), PARTITION_CHECK_MS);
    this.partitionTimer.unref();
  }

  /** Runs after the HTTP server has closed: no more reads arrive. A last checkpoint, then the writer closes. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.partitionTimer);
    await this.writer?.drain();
    await this.checkpointer?.close();
    await this.writer?.close();
  }

  /**
   * Writes: append inside the caller's open transaction, so the change and its audit commit together.
   * The chain lock is held from here until the caller commits: call this as the LAST step of the
   * transaction, or every other audited request waits for the rest of it.
   */
  async appendInTransaction(manager: EntityManager, actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    const pending = toPending(actor, events);
    if (pending.length === 0) return;
    const runner = manager.queryRunner;
    // Outside a transaction the advisory lock would be released after its own statement and the chain could fork.
    if (!runner?.isTransactionActive) throw new Error('appendInTransaction needs a manager inside an open transaction');
    // The one-statement append (audit_append) inside this transaction: its advisory lock is a transaction lock,
    // so it is held until this transaction ends, exactly as in the multi-statement form. The events are chained
    // onto the newest head this process knows (the read batcher's last commit or the last write's append); if
    // another writer got in between, the function answers with the real head (read under the lock, so it cannot
    // move again) and the second call appends. One round trip instead of two when the guess is right — the usual
    // case under contention, where the lock holder has already published its head before committing.
    const client = (await runner.connect()) as Parameters<typeof appendOptimistic>[0];
    const { head } = await appendOptimistic(client, this.keyring.auditKey, this.writer?.lastHead, pending);
    this.writer?.noteHead(head); // the next write's guess, and the read batcher's
    this.checkpointer?.noteAppended(pending.length); // absent when used outside Nest (CLI, seeding)
  }

  /**
   * Reads: resolves once the events are durably committed by the group writer; rejects otherwise, and the
   * caller returns no data (fail closed, 503).
   */
  async recordRead(actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    await this.writeGrouped(toPending(actor, events), 'read');
  }

  /**
   * A standalone event that belongs to no business transaction (authentication). Inside the app it goes
   * through the group writer like a read — durable before this resolves, 503 `audit-unavailable` otherwise —
   * so it never holds the chain lock across a transaction of its own (a login flood would otherwise stall
   * every read's audit batch behind each login's commit). Outside Nest (a CLI run) it is appended in its own
   * transaction, and this process's events are vouched for by a checkpoint before it exits.
   */
  async append(actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    const pending = toPending(actor, events); // validate before anything is written
    if (this.writer) return this.writeGrouped(pending, 'event');
    await this.db.transaction((tx) => this.appendInTransaction(tx, actor, events));
    if (events.length) await this.standaloneCheckpoint();
  }

  private async writeGrouped(pending: PendingEvent[], what: 'read' | 'event'): Promise<void> {
    try {
      if (!this.writer) throw new Error('the audit writer runs only inside the Nest application');
      await this.writer.write(pending);
    } catch (e) {
      this.logger.error({ err: errInfo(e) }, what === 'read' ? 'audit write failed; read refused' : 'audit write failed; request refused');
      throw ProblemException.serviceUnavailable('audit-unavailable', 'The audit trail cannot be written; no data is returned.');
    }
  }

  /** Writes a signed checkpoint of the committed head now (if it moved since the last one). */
  checkpoint(): Promise<void> {
    return this.checkpointer ? this.checkpointer.flush() : this.standaloneCheckpoint();
  }

  async verify(mode: 'incremental' | 'full'): Promise<VerifyResult> {
    const checkpoints = await readCheckpoints(this.config.AUDIT_CHECKPOINT_PATH, this.keyring.auditKey);
    const runner = this.db.createQueryRunner();
    try {
      return await verifyChain((sql, params) => runner.query(sql, params), this.keyring.auditKey, checkpoints, mode);
    } finally {
      await runner.release();
    }
  }

  private async standaloneCheckpoint(): Promise<void> {
    try {
      const head = headOf(await this.db.query(HEAD_SQL));
      if (head.seq === 0) return; // an empty chain has nothing to vouch for
      await appendCheckpoint(this.config.AUDIT_CHECKPOINT_PATH, makeCheckpoint(this.keyring.auditKey, head.seq, head.mac));
    } catch (e) {
      this.logger.error({ err: errInfo(e) }, 'audit checkpoint could not be written');
    }
  }

  private async ensurePartitions(): Promise<void> {
    try {
      await ensurePartitions((sql, params) => this.db.query(sql, params));
    } catch (e) {
      // Never fatal: the DEFAULT partition takes every event a missing month would have held.
      this.logger.warn({ err: errInfo(e) }, 'could not ensure the coming audit partitions (appends go to the default partition)');
    }
  }
}

function headOf(rows: Array<{ seq: string; mac: Buffer }>): { seq: number; mac: Buffer } {
  return { seq: Number(rows[0].seq), mac: rows[0].mac };
}
