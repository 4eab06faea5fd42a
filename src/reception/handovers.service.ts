import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { HANDOVER_FIELDS, HANDOVER_PERSON_FIELDS, HANDOVER_POLICY, HandoverReason } from '../access/field-registry';
import { FieldProtection, WrappedKey } from '../access/field-protection.service';
import { mapRecord } from '../access/record-mapper';
import { scopePredicate } from '../access/scope-predicate';
import { AuditEventInput, AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { FieldError, ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { ageAt, ageBand } from '../cases/age';
import { CasesRepository } from '../cases/cases.repository';
import { CasesService } from '../cases/cases.service';
import type { CreateCaseDto } from '../cases/dto/create-case.dto';
import { decodeCursor } from '../common/pagination';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { CreateHandoverDto, HandoverPersonDto, ListHandoversQuery } from './dto/create-handover.dto';
import { HandoverRow, HandoversRepository } from './handovers.repository';

const RECEIVING_TYPES = ['SOCIAL_AFFAIRS', 'SHELTER'];
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');

/**
 * Border handovers. One call records the group and opens a case (channel FOREIGN_HANDOVER) at the receiving
 * agency for each possible victim, in one transaction with its audit events. The recording unit keeps the
 * roll call; afterwards it sees only the number and stage of the cases it spawned (HANDOVER reason).
 */
@Injectable()
export class HandoversService {
  constructor(
    private readonly repo: HandoversRepository,
    private readonly cases: CasesService,
    private readonly casesRepo: CasesRepository,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {}

  private caseScope(actor: Actor) {
    return (p: Parameters<typeof scopePredicate>[1]) => scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE });
  }

  async create(actor: Actor, dto: CreateHandoverDto, idempotencyKey?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    if (actor.role !== 'BORDER_GUARD' || actor.agencyType !== 'BORDER_GUARD') {
      throw ProblemException.forbidden('forbidden', 'Only border guard units record handovers.');
    }
    const receiving = await this.repo.agencyType(dto.receivingAgencyId);
    const handedOverAt = new Date(dto.handedOverAt);
    const errors: FieldError[] = [];
    if (!receiving || !RECEIVING_TYPES.includes(receiving.type)) {
      errors.push({ field: 'receivingAgencyId', message: 'receivingAgencyId must be a social-affairs agency or shelter' });
    }
    if (handedOverAt.getTime() > Date.now() + 5 * 60_000) errors.push({ field: 'handedOverAt', message: 'handedOverAt must not be in the future' });
    const caseDtos = dto.persons.map((p) => (p.screeningOutcome === 'POSSIBLE_VICTIM' ? this.caseFor(dto, p, receiving?.province_code ?? '00') : null));
    caseDtos.forEach((c, i) => {
      if (!c) return;
      try {
        this.cases.validateReception(c);
      } catch (e) {
        const nested = (e as ProblemException).extensions?.errors as FieldError[] | undefined;
        if (!nested) throw e;
        for (const err of nested) {
          const field = err.field.replace(/^victim/, `persons[${i}]`).replace(/^accompanyingMinors/, `persons[${i}].accompanyingMinors`);
          errors.push({ field, message: err.message.replace(err.field, field) });
        }
      }
    });
    if (errors.length) throw ProblemException.unprocessable('invalid-handover', 'The handover data is inconsistent.', { errors });

    const handoverId = uuidv7();
    const outcome = await this.casesRepo.transaction(async (tx) => {
      if (idempotencyKey) {
        const claim = await this.idempotency.claim(tx, {
          userId: actor.userId,
          key: idempotencyKey,
          operation: 'handover.create',
          requestHash: this.idempotency.requestHash('handover.create', dto),
          resourceId: handoverId,
          statusCode: 201,
        });
        if (claim.replay) return { replayOf: claim.resourceId };
      }
      const key = this.protection.newKey(handoverId);
      const keys: Array<WrappedKey & { ownerType: 'handover' | 'handover_person' }> = [{ ...key.stored, ownerType: 'handover' }];
      const personRows = dto.persons.map((p, i) => {
        const id = uuidv7();
        const pk = this.protection.newKey(id);
        keys.push({ ...pk.stored, ownerType: 'handover_person' as const });
        return {
          id,
          row: {
            id,
            handover_id: handoverId,
            ordinal: i,
            screening_outcome: p.screeningOutcome,
            sex: p.sex,
            nationality: p.nationality,
            age_band: ageBand(ageAt(handedOverAt, p.dateOfBirth, p.birthYear)),
            minor_count: p.accompanyingMinors?.length ?? 0,
            ...this.protection.seal('handover_persons', HANDOVER_PERSON_FIELDS, id, pk.dataKey, {
              fullName: p.fullName,
              dateOfBirth: p.dateOfBirth,
              birthYear: p.birthYear,
              idNumber: p.idNumber,
              healthOnArrival: p.healthOnArrival,
              nonPunishmentNote: p.nonPunishmentNote,
              accompanyingMinors: p.accompanyingMinors?.length ? p.accompanyingMinors : undefined,
            }),
          } as Record<string, unknown>,
        };
      });
      await this.casesRepo.insertKeys(tx, keys);
      await this.repo.insert(tx, 'handovers', {
        id: handoverId,
        recorded_by_agency_id: actor.agencyId,
        recorded_by: actor.userId,
        receiving_agency_id: dto.receivingAgencyId,
        foreign_authority: dto.foreignAuthority,
        country: dto.country,
        border_gate: dto.borderGate,
        handed_over_at: handedOverAt,
        person_count: dto.persons.length,
        ...this.protection.seal('handovers', HANDOVER_FIELDS, handoverId, key.dataKey, { officers: dto.officers, documents: dto.documents }),
      });
      const events: AuditEventInput[] = [];
      const spawned: Array<{ id: string; caseNumber: string; personIndex: number }> = [];
      const assigners: Array<() => Promise<string>> = [];
      for (let i = 0; i < personRows.length; i++) {
        const caseDto = caseDtos[i];
        if (caseDto) {
          const caseId = uuidv7();
          assigners.push(await this.cases.openCase(tx, actor, caseId, caseDto, handedOverAt, { ownerAgencyId: dto.receivingAgencyId, sourceHandoverId: handoverId }));
          personRows[i].row.case_id = caseId;
          spawned.push({ id: caseId, caseNumber: '', personIndex: i });
          events.push({ action: 'case.create', resourceType: 'case', resourceId: caseId, fields: ['channel', 'victim.fullName', 'victim.sex', 'victim.nationality'], purpose: 'RECEPTION' });
        }
        await this.repo.insert(tx, 'handover_persons', personRows[i].row);
      }
      // Case numbers last (the province's counter row is held until commit), in roll-call order.
      for (const [k, assign] of assigners.entries()) spawned[k].caseNumber = await assign();
      events.unshift({
        action: 'handover.create',
        resourceType: 'handover',
        resourceId: handoverId,
        resourceIds: spawned.map((c) => c.id),
        fields: ['officers', 'documents', 'persons.fullName', 'persons.screeningOutcome', 'persons.healthOnArrival'],
        purpose: 'RECEPTION',
      });
      await this.audit.appendInTransaction(tx, auditActorOf(actor), events);
      return { body: { id: handoverId, cases: spawned } };
    });
    if ('replayOf' in outcome) {
      const cases = await this.repo.spawnedCases([outcome.replayOf as string], this.caseScope(actor));
      return { status: 201, body: { id: outcome.replayOf, cases: cases.map((c) => ({ id: c.id, caseNumber: c.case_number, personIndex: c.person_index })) } };
    }
    return { status: 201, body: outcome.body };
  }

  /** The case a possible victim becomes: channel FOREIGN_HANDOVER, received at the hand-over time. */
  private caseFor(h: CreateHandoverDto, p: HandoverPersonDto, provinceCode: string): CreateCaseDto {
    return {
      channel: 'FOREIGN_HANDOVER',
      receivedAt: h.handedOverAt,
      provinceCode,
      destinationCountry: h.country,
      victim: { fullName: p.fullName, dateOfBirth: p.dateOfBirth, birthYear: p.birthYear, sex: p.sex, nationality: p.nationality, idNumber: p.idNumber, location: 'IN_VIETNAM' },
      accompanyingMinors: p.accompanyingMinors,
    } as CreateCaseDto;
  }

  private reasonFor(actor: Actor, h: { recorded_by_agency_id: string; receiving_agency_id: string }): string[] {
    const policy = HANDOVER_POLICY[actor.role] ?? {};
    const reasons: HandoverReason[] = [];
    if (h.recorded_by_agency_id === actor.agencyId) reasons.push('RECORDING_UNIT');
    if (h.receiving_agency_id === actor.agencyId) reasons.push('RECEIVING_AGENCY');
    return [...new Set(reasons.flatMap((r) => policy[r] ?? []))];
  }

  async get(actor: Actor, id: string): Promise<Record<string, unknown>> {
    const row = await this.repo.findVisible(id, actor.agencyId);
    const fields = row ? new Set(this.reasonFor(actor, row)) : new Set<string>();
    if (!row || fields.size === 0) throw ProblemException.notFound('handover');
    const body = this.renderHeader(row, fields);
    const personFields = new Set([...fields].filter((f) => f.startsWith('persons.')).map((f) => f.slice('persons.'.length)));
    if (personFields.size) {
      const persons = await this.repo.persons(id);
      body.persons = persons.map((p) => {
        const wanted = [...personFields].filter((f) => HANDOVER_PERSON_FIELDS[f as keyof typeof HANDOVER_PERSON_FIELDS]?.encrypted) as Array<keyof typeof HANDOVER_PERSON_FIELDS>;
        const key = this.protection.openKey({ ownerId: p.id, kekVersion: p.key_version, wrapped: p.key_wrapped });
        return mapRecord(HANDOVER_PERSON_FIELDS, (f) => personFields.has(f), p, this.protection.open('handover_persons', HANDOVER_PERSON_FIELDS, p.id, key, p, wanted));
      });
    }
    body.cases = (await this.repo.spawnedCases([id], this.caseScope(actor))).map((c) => ({ id: c.id, caseNumber: c.case_number, stage: c.stage, personIndex: c.person_index }));
    await this.audit.recordRead(auditActorOf(actor), [{ action: 'handover.read', resourceType: 'handover', resourceId: id, fields: [...fields].sort(), purpose: 'RECEPTION' }]);
    return body;
  }

  async list(actor: Actor, q: ListHandoversQuery): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
    const policy = HANDOVER_POLICY[actor.role];
    if (!policy) return { items: [], nextCursor: null };
    const limit = q.limit ?? 50;
    const before = decodeCursor(q.cursor);
    const rows = await this.repo.listVisible(actor.agencyId, { limit: limit + 1, before, recordedOnly: !policy.RECEIVING_AGENCY });
    const page = rows.slice(0, limit).filter((r) => this.reasonFor(actor, r).length > 0);
    const cases = await this.repo.spawnedCases(page.map((r) => r.id), this.caseScope(actor));
    const items = page.map((r) => {
      const header = new Set(this.reasonFor(actor, r).filter((f) => !HANDOVER_FIELDS[f as keyof typeof HANDOVER_FIELDS]?.encrypted && !f.startsWith('persons.')));
      return {
        ...this.renderHeader(r, header),
        cases: cases.filter((c) => c.handover_id === r.id).map((c) => ({ id: c.id, caseNumber: c.case_number, stage: c.stage, personIndex: c.person_index })),
      };
    });
    if (items.length) {
      await this.audit.recordRead(auditActorOf(actor), [{ action: 'handover.list', resourceType: 'handover', resourceIds: page.map((r) => r.id), fields: ['id', 'borderGate', 'handedOverAt'], purpose: 'RECEPTION' }]);
    }
    return { items, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  private renderHeader(row: HandoverRow, fields: Set<string>): Record<string, unknown> {
    const wanted = (['officers', 'documents'] as const).filter((f) => fields.has(f));
    const decrypted = wanted.length
      ? this.protection.open('handovers', HANDOVER_FIELDS, row.id, this.protection.openKey({ ownerId: row.id, kekVersion: row.key_version, wrapped: row.key_wrapped }), row, wanted)
      : {};
    return mapRecord(HANDOVER_FIELDS, (f) => fields.has(f), row, decrypted);
  }
}
