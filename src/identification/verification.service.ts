import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { CaseAccessService } from '../access/case-access.service';
import { VERIFICATION_FIELDS } from '../access/field-registry';
import { FieldProtection } from '../access/field-protection.service';
import { mapRecord } from '../access/record-mapper';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem';
import { CaseRow, CasesRepository } from '../cases/cases.repository';
import { calendarDeadline, isOverdue } from '../cases/lifecycle/deadlines';
import { rulesFor } from '../cases/lifecycle/lifecycle-rules';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { CreateVerificationTaskDto, UpdateVerificationTaskDto } from './verification.dto';

type VField = keyof typeof VERIFICATION_FIELDS;
const PREFIX = 'verificationTasks.';
const TABLE = 'verification_tasks';

/**
 * Verification and identification requests to the police. Opening a task grants the assigned agency the
 * VERIFICATION_TASK reason of access (the registry's police view) until the task is completed or cancelled.
 */
@Injectable()
export class VerificationService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CasesRepository,
    private readonly access: CaseAccessService,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  private render(row: CaseRow, task: Record<string, unknown>, fields: Set<VField>) {
    const decrypted =
      fields.has('findings') && task.findings_enc
        ? this.protection.open(TABLE, VERIFICATION_FIELDS, task.id as string, this.protection.openKey({ ownerId: row.id, kekVersion: row.key_version!, wrapped: row.key_wrapped! }), task, ['findings'])
        : {};
    const body = mapRecord(VERIFICATION_FIELDS, (f) => fields.has(f), task, decrypted);
    if (fields.has('dueOn')) body.overdue = task.status === 'OPEN' && isOverdue(task.due_on as string, new Date());
    return body;
  }

  async create(actor: Actor, caseId: string, dto: CreateVerificationTaskDto, idempotencyKey?: string) {
    return this.cases.transaction(async (tx) => {
      const { row, readable, writable } = await this.access.requirePart<VField>(actor, caseId, PREFIX, tx);
      if (!writable.has('assignedAgencyId')) throw ProblemException.forbidden('forbidden', 'Your role may not request verification.');
      const id = uuidv7();
      if (idempotencyKey) {
        const claim = await this.idempotency.claim(tx, {
          userId: actor.userId,
          key: idempotencyKey,
          operation: 'verification.create',
          requestHash: this.idempotency.requestHash('verification.create', { caseId, dto }),
          resourceId: id,
          statusCode: 201,
        });
        if (claim.replay) {
          const [prior] = await tx.query('SELECT * FROM verification_tasks WHERE id = $1 AND case_id = $2', [claim.resourceId, caseId]);
          if (!prior) throw ProblemException.unprocessable('idempotency-key-reused', 'This Idempotency-Key was already used for another resource.');
          return { body: this.render(row, prior, readable), etag: `"v${prior.version}"` };
        }
      }
      const [agency] = await tx.query('SELECT type FROM agencies WHERE id = $1', [dto.assignedAgencyId]);
      if (agency?.type !== 'POLICE') {
        throw ProblemException.unprocessable('invalid-verification-task', 'The assigned agency must be a police agency.', {
          errors: [{ field: 'assignedAgencyId', message: 'assignedAgencyId must be a police agency' }],
        });
      }
      const now = new Date();
      const dueOn = dto.dueOn ?? calendarDeadline(now, rulesFor(row.rules_version as string).deadlines.policeIdentificationDays);
      await tx.query(
        `INSERT INTO verification_tasks (id, case_id, requesting_agency_id, requested_by, assigned_agency_id, requested_at, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, caseId, actor.agencyId, actor.userId, dto.assignedAgencyId, now, dueOn],
      );
      const [task] = await tx.query('SELECT * FROM verification_tasks WHERE id = $1', [id]);
      const result = { body: this.render(row, task, readable), etag: `"v${task.version}"` };
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'verification.create', resourceType: 'case', resourceId: caseId, fields: ['verificationTasks.assignedAgencyId', 'verificationTasks.dueOn'], purpose: 'VERIFICATION' },
      ]);
      return result;
    });
  }

  async listForCase(actor: Actor, caseId: string) {
    const { row, readable } = await this.access.requirePart<VField>(actor, caseId, PREFIX);
    const tasks: Array<Record<string, unknown>> = await this.db.query('SELECT * FROM verification_tasks WHERE case_id = $1 ORDER BY requested_at', [caseId]);
    const items = tasks.map((t) => this.render(row, t, readable));
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'verification.list', resourceType: 'case', resourceId: caseId, fields: [...readable].map((f) => PREFIX + f).sort(), purpose: 'VERIFICATION' },
    ]);
    return { items, nextCursor: null };
  }

  /** The open tasks assigned to the caller's agency, with the case number and stage (the police work queue). */
  async queue(actor: Actor) {
    if (actor.role !== 'POLICE_OFFICER') return { items: [], nextCursor: null };
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT v.id, v.case_id, v.due_on, v.status, v.requested_at, c.case_number, c.stage
         FROM verification_tasks v JOIN cases c ON c.id = v.case_id
        WHERE v.assigned_agency_id = $1 AND v.status = 'OPEN' ORDER BY v.due_on, v.id LIMIT 500`,
      [actor.agencyId],
    );
    const now = new Date();
    return {
      items: rows.map((r) => ({ id: r.id, caseId: r.case_id, caseNumber: r.case_number, stage: r.stage, dueOn: r.due_on, requestedAt: (r.requested_at as Date).toISOString(), overdue: isOverdue(r.due_on, now) })),
      nextCursor: null,
    };
  }

  async update(actor: Actor, caseId: string, id: string, ifMatch: string | undefined, dto: UpdateVerificationTaskDto) {
    if (ifMatch === undefined) throw ProblemException.preconditionRequired();
    return this.cases.transaction(async (tx) => {
      const { row, readable, writable } = await this.access.requirePart<VField>(actor, caseId, PREFIX, tx);
      const [task] = await tx.query('SELECT * FROM verification_tasks WHERE id = $1 AND case_id = $2', [id, caseId]);
      if (!task) throw ProblemException.notFound('verification task');
      const requested = (['status', 'findings'] as const).filter((f) => dto[f] !== undefined);
      this.access.requireWritable(requested, writable);
      if (ifMatch.trim() !== `"v${task.version}"`) throw ProblemException.preconditionFailed();
      if (task.status !== 'OPEN') throw ProblemException.conflict('task-closed', 'The verification task is already closed.');
      const sets: string[] = ['version = version + 1'];
      const params: unknown[] = [];
      if (dto.status) {
        params.push(dto.status);
        sets.push(`status = $${params.length}`, 'completed_at = now()');
      }
      if (dto.findings !== undefined) {
        const key = this.protection.openKey({ ownerId: row.id, kekVersion: row.key_version!, wrapped: row.key_wrapped! });
        params.push(this.protection.seal(TABLE, VERIFICATION_FIELDS, id, key, { findings: dto.findings }).findings_enc);
        sets.push(`findings_enc = $${params.length}`);
      }
      params.push(id, task.version);
      const written = await tx.query(`UPDATE verification_tasks SET ${sets.join(', ')} WHERE id = $${params.length - 1} AND version = $${params.length} RETURNING *`, params);
      const updated = (Array.isArray(written[0]) ? written[0] : written)[0];
      if (!updated) throw ProblemException.preconditionFailed();
      const result = { body: this.render(row, updated, readable), etag: `"v${updated.version}"` };
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'verification.update', resourceType: 'case', resourceId: caseId, fields: requested.map((f) => PREFIX + f), purpose: 'VERIFICATION' },
      ]);
      return result;
    });
  }
}
