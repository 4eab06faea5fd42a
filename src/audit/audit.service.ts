import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Keyring } from '../crypto';
import { appendToChain, Exec, PendingEvent } from './append-protocol';
import type { AuditActor, AuditEventInput, AuditRecord } from './audit.types';
import { appendCheckpoint, makeCheckpoint, readCheckpoints } from './checkpoints';
import { GroupCommitWriter } from './group-commit-writer';
import { verifyChain, VerifyResult } from './verifier';

const CODE = /^[a-z][a-z0-9_.-]{0,63}$/;
const PURPOSE = /^[A-Z0-9_]{1,64}$/;
const FIELD_PATH = /^[a-zA-Z0-9_.[\]]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHECKPOINT_INTERVAL_MS = 5000;

/**
 * Rejects anything but ids, codes and field paths, so free text (and with it personal data) cannot enter
 * the audit trail by mistake. A programming error, hence a plain Error (500), never a client message.
 */
function assertClean(e: AuditEventInput): void {
  const ok =
    CODE.test(e.action) &&
    CODE.test(e.resourceType) &&
    (e.resourceId == null || UUID.test(e.resourceId)) &&
    (e.resourceIds ?? []).every((id) => UUID.test(id)) &&
    (e.fields ?? []).every((f) => FIELD_PATH.test(f)) &&
    (e.purpose == null || PURPOSE.test(e.purpose));
  if (!ok) throw new Error(`audit event ${JSON.stringify(e.action).slice(0, 40)} contains a value that is not an id, code or field path`);
}

const pending = (actor: AuditActor, events: AuditEventInput[]): PendingEvent[] =>
  events.map((event) => {
    assertClean(event);
    return { actor, event };
  });

@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private writer!: GroupCommitWriter;
  private timer?: NodeJS.Timeout;
  private lastCheckpointSeq = -1;
  private sinceCheckpoint = 0;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly keyring: Keyring, private readonly config: AppConfig) {}

  onModuleInit(): void {
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    this.writer = new GroupCommitWriter(pool, this.keyring.auditKey, (records) => this.afterCommit(records));
    this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.writer.close();
    await this.checkpoint().catch((e: Error) => this.logger.warn(`final audit checkpoint failed: ${e.name}`));
  }

  /** Writes: append inside the caller's open transaction, so the change and its audit commit together. */
  async appendInTransaction(manager: EntityManager, actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    const exec: Exec = (sql, params) => manager.query(sql, params);
    await appendToChain(exec, this.keyring.auditKey, pending(actor, events));
    this.sinceCheckpoint += events.length;
  }

  /**
   * Reads: resolves once the events are durably committed by the group writer; rejects otherwise, and the
   * caller returns no data (fail closed).
   */
  async recordRead(actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    const items = pending(actor, events);
    try {
      await this.writer.write(items);
    } catch (e) {
      this.logger.error({ err: { name: (e as Error).name, code: (e as { code?: string }).code } }, 'audit write failed; read refused');
      throw ProblemException.serviceUnavailable('audit-unavailable', 'The audit trail cannot be written; no data is returned.');
    }
  }

  /** A standalone append in its own transaction (CLI, authentication events). */
  async append(actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    await this.db.transaction((tx) => this.appendInTransaction(tx, actor, events));
  }

  /** Writes a signed checkpoint of the current head if it moved (outside the database). */
  async checkpoint(): Promise<void> {
    const [head] = (await this.db.query('SELECT seq, mac FROM audit_head WHERE id = 1')) as Array<{ seq: string; mac: Buffer }>;
    const seq = Number(head.seq);
    if (seq === this.lastCheckpointSeq || seq === 0) return;
    appendCheckpoint(this.config.AUDIT_CHECKPOINT_PATH, makeCheckpoint(this.keyring.auditKey, seq, head.mac));
    this.lastCheckpointSeq = seq;
    this.sinceCheckpoint = 0;
  }

  async verify(mode: 'incremental' | 'full'): Promise<VerifyResult> {
    const checkpoints = readCheckpoints(this.config.AUDIT_CHECKPOINT_PATH, this.keyring.auditKey);
    const runner = this.db.createQueryRunner();
    try {
      return await verifyChain((sql, params) => runner.query(sql, params), this.keyring.auditKey, checkpoints, mode);
    } finally {
      await runner.release();
    }
  }

  private afterCommit(records: AuditRecord[]): void {
    this.sinceCheckpoint += records.length;
    if (this.sinceCheckpoint >= this.config.AUDIT_CHECKPOINT_EVERY) void this.checkpoint().catch(() => undefined);
  }
}
