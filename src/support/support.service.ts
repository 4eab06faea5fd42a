import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CaseAccessService } from '../access/case-access.service';
import { SUPPORT_FIELDS, SupportField } from '../access/field-registry';
import { FieldProtection } from '../access/field-protection.service';
import { mapRecord } from '../access/record-mapper';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { FieldError, ProblemException } from '../common/problem';
import { CasesRepository } from '../cases/cases.repository';
import { isOverdue, workingDayDeadline } from '../cases/lifecycle/deadlines';
import { rulesFor } from '../cases/lifecycle/lifecycle-rules';
import type { SupportType } from '../reference/reference-data';
import { CreateSupportServiceDto, UpdateSupportServiceDto } from './dto/support-service.dto';
import { APPLICATION_TYPES, entitledTo, entitlementStatus, MONEY_TYPES } from './entitlements';
import { SupportRepository, SupportRow } from './support.repository';
import { HolidayCalendar } from '../cases/lifecycle/holiday-calendar';
import { IdempotencyService } from '../idempotency/idempotency.service';

const TABLE = 'support_services';
/** Agencies reached through a referral record only the support they provide. */
const ROLE_SUPPORT_TYPES: Partial<Record<string, SupportType[]>> = {
  LEGAL_AID_OFFICER: ['LEGAL_AID', 'LEGAL_SUPPORT'],
  HEALTH_WORKER: ['MEDICAL', 'PSYCHOLOGICAL'],
};
const PREFIX = 'supportServices.';

/**
 * Article 37 support per person and what each person is entitled to. Access goes through the case's scope
 * predicate and the field registry (paths `supportServices.*`); notes are encrypted under the person's key.
 */
@Injectable()
export class SupportService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly access: CaseAccessService,
    private readonly repo: SupportRepository,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly holidays: HolidayCalendar,
    private readonly idempotency: IdempotencyService,
  ) {}

  private render(row: SupportRow, fields: Set<SupportField>): { body: Record<string, unknown>; paths: string[] } {
    const key = fields.has('note') && row.note_enc ? this.protection.openKey({ ownerId: row.person_id, kekVersion: row.key_version, wrapped: row.key_wrapped }) : null;
    const decrypted = key ? this.protection.open(TABLE, SUPPORT_FIELDS, row.id, key, row, ['note']) : {};
    const body = mapRecord(SUPPORT_FIELDS, (f) => fields.has(f), row, decrypted);
    if (body.amountVnd !== null && body.amountVnd !== undefined) body.amountVnd = Number(body.amountVnd);
    return { body, paths: [...fields].map((f) => PREFIX + f) };
  }

  async create(actor: Actor, caseId: string, dto: CreateSupportServiceDto, idempotencyKey?: string): Promise<{ body: Record<string, unknown>; etag: string }> {
    return this.cases.transaction(async (tx) => {
      const { row, readable, writable } = await this.access.requirePart<SupportField>(actor, caseId, PREFIX, tx);
      const requested = Object.keys(dto).filter((k) => (dto as unknown as Record<string, unknown>)[k] !== undefined) as SupportField[];
      this.access.requireWritable(requested, writable);
      const id = uuidv7();
      if (idempotencyKey) {
        const claim = await this.idempotency.claim(tx, {
          userId: actor.userId,
          key: idempotencyKey,
          operation: 'support.create',
          requestHash: this.idempotency.requestHash('support.create', { caseId, dto }),
          resourceId: id,
          statusCode: 201,
        });
        if (claim.replay) {
          const prior = await this.repo.one(caseId, claim.resourceId, tx);
          if (!prior) throw ProblemException.unprocessable('idempotency-key-reused', 'This Idempotency-Key was already used for another resource.');
          return { body: this.render(prior, readable).body, etag: `"v${prior.version}"` };
        }
      }
      const ownTypes = ROLE_SUPPORT_TYPES[actor.role];
      if (ownTypes && !ownTypes.includes(dto.type)) throw ProblemException.forbidden('forbidden', 'Your agency records only the support it provides.');
      const persons = await this.cases.personsOf([caseId], ['VICTIM', 'ACCOMPANYING_MINOR'], tx);
      const person = persons.find((p) => p.id === dto.personId);
      const victim = persons.find((p) => p.kind === 'VICTIM');
      const errors: FieldError[] = [];
      if (!person) errors.push({ field: 'personId', message: 'personId is not a person of this case' });
      if (!(await this.repo.agencyExists(dto.providerAgencyId))) errors.push({ field: 'providerAgencyId', message: 'providerAgencyId is not a known agency' });
      if (dto.endDate && dto.endDate < dto.startDate) errors.push({ field: 'endDate', message: 'endDate must not be before startDate' });
      if (MONEY_TYPES.has(dto.type) && dto.amountVnd === undefined && dto.status === 'DELIVERED') errors.push({ field: 'amountVnd', message: 'amountVnd is required when money support is delivered' });
      if (person) {
        const rules = rulesFor(row.rules_version as string);
        const status = entitlementStatus(person as never, row.identification_outcome as string | null, (victim?.location as never) ?? null);
        if (!entitledTo(status, rules).includes(dto.type)) {
          errors.push({ field: 'type', message: `type is not an Article 37 entitlement of this person (status ${status})` });
        }
      }
      if (errors.length) throw ProblemException.unprocessable('invalid-support', 'The support cannot be recorded.', { errors });

      const rules = rulesFor(row.rules_version as string);
      const submitted = APPLICATION_TYPES.has(dto.type) ? (dto.applicationSubmittedOn ?? dto.startDate) : null;
      const key = this.protection.openKey({ ownerId: person!.id, kekVersion: person!.key_version, wrapped: person!.key_wrapped });
      await this.repo.insert(tx, {
        id,
        case_id: caseId,
        person_id: dto.personId,
        type: dto.type,
        status: dto.status,
        provider_agency_id: dto.providerAgencyId,
        start_date: dto.startDate,
        end_date: dto.endDate ?? null,
        amount_vnd: dto.amountVnd ?? null,
        legal_basis: dto.legalBasis ?? null,
        application_submitted_on: submitted,
        decision_due_on: submitted ? workingDayDeadline(new Date(`${submitted}T00:00:00+07:00`), rules.deadlines.applicationWorkingDays, this.holidays.days) : null,
        created_by: actor.userId,
        ...this.protection.seal(TABLE, SUPPORT_FIELDS, id, key, { note: dto.note }),
      });
      const created = (await this.repo.one(caseId, id, tx))!;
      const result = { body: this.render(created, readable).body, etag: `"v${created.version}"` };
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'support.create', resourceType: 'case', resourceId: caseId, fields: requested.map((f) => PREFIX + f).sort(), purpose: 'SUPPORT' },
      ]);
      return result;
    });
  }

  async list(actor: Actor, caseId: string): Promise<{ items: Record<string, unknown>[]; nextCursor: null }> {
    const { readable: fields } = await this.access.requirePart<SupportField>(actor, caseId, PREFIX);
    const rows = await this.repo.forCase(caseId);
    const items = rows.map((r) => this.render(r, fields).body);
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'support.list', resourceType: 'case', resourceId: caseId, resourceIds: rows.map((r) => r.id), fields: [...fields].map((f) => PREFIX + f).sort(), purpose: 'SUPPORT' },
    ]);
    return { items, nextCursor: null };
  }

  async update(actor: Actor, caseId: string, id: string, ifMatch: string | undefined, dto: UpdateSupportServiceDto): Promise<{ body: Record<string, unknown>; etag: string }> {
    if (ifMatch === undefined) throw ProblemException.preconditionRequired();
    return this.cases.transaction(async (tx) => {
      const { readable, writable } = await this.access.requirePart<SupportField>(actor, caseId, PREFIX, tx);
      const current = await this.repo.one(caseId, id, tx);
      if (!current) throw ProblemException.notFound('support service');
      const requested = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined) as SupportField[];
      this.access.requireWritable(requested, writable);
      if (ifMatch.trim() !== `"v${current.version}"`) throw ProblemException.preconditionFailed();
      if (dto.endDate && dto.endDate < (current.start_date as string)) {
        throw ProblemException.unprocessable('invalid-support', 'endDate must not be before startDate.', { errors: [{ field: 'endDate', message: 'endDate must not be before startDate' }] });
      }
      const columns: Record<string, unknown> = {};
      if (dto.status !== undefined) columns.status = dto.status;
      if (dto.endDate !== undefined) columns.end_date = dto.endDate;
      if (dto.amountVnd !== undefined) columns.amount_vnd = dto.amountVnd;
      if (dto.legalBasis !== undefined) columns.legal_basis = dto.legalBasis;
      if (dto.note !== undefined) {
        const key = this.protection.openKey({ ownerId: current.person_id, kekVersion: current.key_version, wrapped: current.key_wrapped });
        Object.assign(columns, this.protection.seal(TABLE, SUPPORT_FIELDS, id, key, { note: dto.note }));
      }
      const version = await this.repo.update(tx, id, current.version, columns);
      if (version === null) throw ProblemException.preconditionFailed();
      const updated = (await this.repo.one(caseId, id, tx))!;
      const result = { body: this.render(updated, readable).body, etag: `"v${version}"` };
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'support.update', resourceType: 'case', resourceId: caseId, fields: requested.map((f) => PREFIX + f).sort(), purpose: 'SUPPORT' },
      ]);
      return result;
    });
  }

  /** Per person: who they are for Article 37, what they are entitled to, what they received, open applications. */
  async entitlements(actor: Actor, caseId: string) {
    const { row, readable: fields } = await this.access.requirePart<SupportField>(actor, caseId, PREFIX);
    const rules = rulesFor(row.rules_version as string);
    const persons = await this.cases.personsOf([caseId], ['VICTIM', 'ACCOMPANYING_MINOR']);
    const victim = persons.find((p) => p.kind === 'VICTIM');
    const services = fields.has('type') && fields.has('status') ? await this.repo.forCase(caseId) : [];
    const now = new Date();
    const result = persons.map((p) => {
      const status = entitlementStatus(p as never, row.identification_outcome as string | null, (victim?.location as never) ?? null);
      const own = services.filter((s) => s.person_id === p.id);
      const typesWith = (...states: string[]) => [...new Set(own.filter((s) => states.includes(s.status)).map((s) => s.type as SupportType))];
      return {
        personId: p.id,
        kind: p.kind,
        status,
        location: (p.location as string | null) ?? (victim?.location as string | null) ?? 'IN_VIETNAM',
        entitled: entitledTo(status, rules),
        received: typesWith('DELIVERED'),
        inProgress: typesWith('PLANNED', 'IN_PROGRESS'),
        applications: own
          .filter((s) => s.decision_due_on && ['PLANNED', 'IN_PROGRESS'].includes(s.status))
          .map((s) => {
            const due = s.decision_due_on as string;
            return { supportServiceId: s.id, type: s.type, decisionDueOn: due, overdue: isOverdue(due, now) };
          }),
      };
    });
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'entitlements.read', resourceType: 'case', resourceId: caseId, fields: ['supportServices.type', 'supportServices.status'], purpose: 'SUPPORT' },
    ]);
    return { rulesVersion: rules.version, persons: result };
  }

}
