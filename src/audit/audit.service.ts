import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Keyring } from '../crypto';
import { appendOptimistic, HEAD_SQL, PendingEvent, unchained, UnchainedRecord } from './append-protocol';
import type { AuditActor, AuditEventInput } from './audit.types';
import { Checkpointer } from './checkpointer';
import { appendCheckpoint, makeCheckpoint, readCheckpoints } from './checkpoints';
import { GroupCommitWriter, WriterClient } from './group-commit-writer';
import { ensurePartitions } from './partitions';
import { STAGED_INSERT_SQL, StagedEvents, stagedFromRows } from './staged';
import { toPending } from './validate';
import { verifyChain, VerifyResult } from './verifier';

/** Checkpoint at most this often while events arrive (plus every AUDIT_CHECKPOINT_EVERY events, and at shutdown). */
const CHECKPOINT_INTERVAL_MS = 5000;
/** How often staged events that no writer of this process is chaining are looked for (another process's, a crash's). */
const STAGED_POLL_MS = 1000;
/** Refused staged rows remembered (and skipped) by the poller; beyond this many they are read again each poll. */
const MAX_REFUSED_STAGED = 10_000;
/** Check daily that the coming months' partitions exist (the migration also creates them years ahead). */
const PARTITION_CHECK_MS = 24 * 3600 * 1000;

/** Only error names and SQLSTATEs are logged: driver messages may quote parameters. */
const errInfo = (e: unknown) => ({ name: (e as Error)?.name, code: (e as { code?: string })?.code });

/**
 * The audit trail's one entry point (DESIGN.md "Privacy model" 5). Every append to the chain goes through the
 * same append protocol (append-protocol.ts), made by the group-commit writer: reads' and logins' events
 * directly, writes' events after their business transaction staged them (README "Staged events"). Outside
 * Nest (CLI) the events are appended inside the caller's transaction.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  // Created in onModuleInit; absent when a CLI constructs the service directly (append only).
  private writer?: GroupCommitWriter;
  private checkpointer?: Checkpointer;
  private partitionTimer?: NodeJS.Timeout;
  private stagedTimer?: NodeJS.Timeout;
  /** Staged rows refused as not ids, codes and field paths: left staged, skipped by later polls (bounded). */
  private readonly refusedStaged = new Set<string>();
  /** Events staged in a still-open TypeORM transaction, chained once it commits (see `subscriber`). */
  private readonly stagedIn = new WeakMap<QueryRunner, UnchainedRecord[]>();

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
    this.db.subscribers.push(this.subscriber());
  }

  /**
   * Hands a committed transaction's staged events to the writer; TypeORM awaits it before the transaction's
   * promise resolves, so a write answers only once its events are in the chain (or were left staged, logged).
   */
  private subscriber(): EntitySubscriberInterface {
    return {
      afterTransactionCommit: async ({ queryRunner }: TransactionCommitEvent) => {
        const staged = this.stagedIn.get(queryRunner);
        if (!staged || queryRunner.isTransactionActive) return; // nothing staged, or a savepoint released
        this.stagedIn.delete(queryRunner);
        await this.chainStaged({ records: staged });
      },
      afterTransactionRollback: ({ queryRunner }: TransactionRollbackEvent) => {
        if (!queryRunner.isTransactionActive) this.stagedIn.delete(queryRunner);
      },
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
    this.partitionTimer = setInterval(() => void this.ensurePartitions(), PARTITION_CHECK_MS);
    this.partitionTimer.unref();
    // A previous run's, if it died between a write's commit and the chaining: all of them, before serving.
    await this.adoptStaged(0);
    this.stagedTimer = setInterval(() => void this.adoptStaged(STAGED_POLL_MS), STAGED_POLL_MS);
    this.stagedTimer.unref();
  }

  /** Runs after the HTTP server has closed: no more reads arrive. A last checkpoint, then the writer closes. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.partitionTimer);
    clearInterval(this.stagedTimer);
    await this.writer?.drain();
    await this.checkpointer?.close();
    await this.writer?.close();
  }

  /**
   * Writes: the events are staged inside the caller's open transaction, so the change and its audit record
   * commit together (or neither does); after the commit the group writer chains them, and the transaction's
   * promise resolves only then. No chain lock is held by the write: one INSERT into `audit_staged`.
   * Outside Nest (CLI) there is no writer: the events are appended to the chain in this transaction, whose
   * chain lock is then held until it ends — call it last.
   */
  async appendInTransaction(manager: EntityManager, actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    const pending = toPending(actor, events);
    if (pending.length === 0) return;
    const runner = manager.queryRunner;
    // Outside a transaction the events would not commit with the change (and the CLI's lock would not hold).
    if (!runner?.isTransactionActive) throw new Error('appendInTransaction needs a manager inside an open transaction');
    if (this.writer) {
      const staged = this.stagedOf(pending);
      await manager.query(STAGED_INSERT_SQL('$1'), [staged.json]);
      this.stagedIn.set(runner, [...(this.stagedIn.get(runner) ?? []), ...staged.records]);
      return;
    }
    const client = (await runner.connect()) as Parameters<typeof appendOptimistic>[0];
    await appendOptimistic(client, this.keyring.auditKey, undefined, pending.map((p) => unchained(p)));
  }

  /**
   * For a write that is ONE autocommit statement (a reception): the events to stage, validated, with the JSON
   * its statement inserts through `STAGED_INSERT_SQL`. After the statement, `chainStaged`.
   */
  stage(actor: AuditActor, events: AuditEventInput[]): StagedEvents {
    if (!this.writer) throw new Error('staged events are chained by the writer inside the Nest application');
    return this.stagedOf(toPending(actor, events));
  }

  /**
   * Chains committed staged events, and resolves when they are in the chain. Never throws: the write has
   * committed, and its events are durable in `audit_staged`; if the writer cannot chain them now, it is
   * logged and the poller chains them later (STAGED_POLL_MS).
   */
  async chainStaged(staged: Pick<StagedEvents, 'records'>): Promise<void> {
    try {
      await this.writer?.chainStaged(staged.records);
    } catch (e) {
      this.logger.error({ err: errInfo(e) }, 'staged audit events of a committed write are not chained yet; they will be retried');
    }
  }

  private stagedOf(pending: PendingEvent[]): StagedEvents {
    const occurredAt = new Date().toISOString();
    const records = pending.map((p) => unchained(p, occurredAt));
    return { records, json: JSON.stringify(records) };
  }

  /**
   * Chains staged events nobody here is chaining: other processes', or a crashed run's. Only those older than
   * `minAgeMs`, so that another live process's fresh ones are left to its own writer (taking them would be
   * safe — see audit_append's staged check — but costs both writers a retry).
   */
  private async adoptStaged(minAgeMs: number): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    try {
      // Refused rows are skipped, so that a pile of them (only tampering makes one) cannot hide the rows behind.
      const rows = await writer.exclusive((conn) =>
        conn.query(
          `SELECT event_id, event FROM audit_staged WHERE staged_at < now() - make_interval(secs => $1) AND event_id <> ALL ($2::uuid[])
            ORDER BY event_id LIMIT 1000`,
          [minAgeMs / 1000, [...this.refusedStaged]],
        ),
      );
      if (rows.length === 0) return;
      const { records, rejected } = stagedFromRows(rows);
      if (rejected.length) {
        for (const id of rejected) if (this.refusedStaged.size < MAX_REFUSED_STAGED) this.refusedStaged.add(id);
        this.logger.error({ rejected: rejected.length }, 'staged audit events that are not ids, codes and field paths were left staged');
      }
      await writer.chainStaged(records);
    } catch (e) {
      this.logger.error({ err: errInfo(e) }, 'staged audit events could not be chained; will retry');
    }
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
