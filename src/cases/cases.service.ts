import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { canCreateCase, fieldsForCase } from '../access/case-ability';
import { CASE_FIELDS, CASE_OWNING_AGENCY_TYPES, PERSON_FIELDS, PersonField } from '../access/field-registry';
import { FieldProtection, WrappedKey } from '../access/field-protection.service';
import { reasonsForRole, scopePredicate } from '../access/scope-predicate';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { FieldError, ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { decodeCursor } from '../common/pagination';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ageAt, ageBand } from './age';
import { CASE_TABLE, CaseView, PERSON_TABLE, renderCase } from './case-view';
import { CaseRow, CasesRepository, CaseWithPersons, NewCaseParts, PersonRow, ScopeSql } from './cases.repository';
import type { CreateCaseDto } from './dto/create-case.dto';
import type { ListCasesQuery } from './dto/list-cases.query';
import type { PersonInputDto } from './dto/person.dto';
import type { UpdateCaseDto } from './dto/update-case.dto';

export interface CaseResult {
  status: number;
  body: Record<string, unknown>;
  etag: string;
}

/** The fields of a list item: the case header and STAT fields, and who the victim is. */
const LIST_PATHS = new Set([
  ...Object.keys(CASE_FIELDS).filter((f) => f !== 'summary'),
  'victim.id',
  'victim.fullName',
  'victim.sex',
  'victim.nationality',
  'victim.ageBand',
]);
/** The person fields a list can show (the victim's), so only their columns are fetched. */
const LIST_PERSON_FIELDS = [...LIST_PATHS].filter((p) => p.startsWith('victim.')).map((p) => p.slice('victim.'.length) as keyof typeof PERSON_FIELDS);

const DEFAULT_PURPOSE = 'CASE_MANAGEMENT';
const etagOf = (version: number) => `"v${version}"`;
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');

/** Plain values of a person (input) keyed by registry field. */
function personValues(input: Partial<PersonInputDto> & { relation?: string }): Partial<Record<PersonField, string | number | null>> {
  const { fullName, dateOfBirth, birthYear, idNumber, phone, address, ethnicity, narrative } = input;
  return { fullName, dateOfBirth, birthYear, idNumber, phone, address, ethnicity, narrative };
}

/**
 * The case aggregate's rules. Every method takes the actor explicitly, checks access first (scope
 * predicate + field registry), and audits through the one append protocol before data leaves.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly repo: CasesRepository,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly config: AppConfig,
  ) {}

  private scope(actor: Actor): ScopeSql {
    return (p) => scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE });
  }

  /** Person kinds the actor could read on some case in its scope: fetched with the case in one round trip. */
  private readableKinds(actor: Actor): Array<PersonRow['kind']> {
    return CaseView.widestPersonKinds(actor.role, reasonsForRole(actor, { caseScope: this.config.CASE_SCOPE }));
  }

  async create(actor: Actor, dto: CreateCaseDto, idempotencyKey?: string): Promise<CaseResult> {
    if (!canCreateCase(actor.role) || !(CASE_OWNING_AGENCY_TYPES as readonly string[]).includes(actor.agencyType)) {
      throw ProblemException.forbidden('forbidden', 'Your role or agency cannot open cases.');
    }
    const receivedAt = this.validateReception(dto);
    const caseId = uuidv7();
    const requestHash = idempotencyKey ? this.idempotency.requestHash('case.create', dto) : null;

    // Rows, case number, the audit event (staged: chained by the group writer after the commit, README
    // "Staged events") and the read-back for the answer in ONE statement. Without an idempotency key it is the
    // whole transaction (autocommit): the province's counter row is held only while PostgreSQL runs it and
    // commits — no round trip, no turn of this event loop inside the hold (bench/README.md, session 12).
    const staged = this.audit.stage(auditActorOf(actor), [
      { action: 'case.create', resourceType: 'case', resourceId: caseId, fields: this.writtenPaths(dto), purpose: DEFAULT_PURPOSE },
    ]);
    const parts = this.newCaseParts(actor, caseId, dto, receivedAt);
    const insert = (tx?: EntityManager) =>
      this.repo.insertNumberedCase(tx, parts, { provinceCode: dto.provinceCode, year: receivedAt.getUTCFullYear() }, this.scope(actor), this.readableKinds(actor), staged);
    let found: CaseWithPersons;
    if (idempotencyKey && requestHash) {
      const outcome = await this.repo.transaction(async (tx): Promise<{ replayOf: string } | { found: CaseWithPersons }> => {
        const claim = await this.idempotency.claim(tx, {
          userId: actor.userId,
          key: idempotencyKey,
          operation: 'case.create',
          requestHash,
          resourceId: caseId,
          statusCode: 201,
        });
        return claim.replay ? { replayOf: claim.resourceId as string } : { found: await insert(tx) };
      });
      if ('replayOf' in outcome) {
        const replay = await this.get(actor, outcome.replayOf, DEFAULT_PURPOSE);
        return { ...replay, status: 201 };
      }
      found = outcome.found;
    } else {
      found = await insert();
    }
    await this.audit.chainStaged(staged);
    // Decryption is pure work on rows already read: after the commit, outside the locks (nothing leaves before).
    return this.render(actor, found, 201);
  }

  async get(actor: Actor, id: string, purpose = DEFAULT_PURPOSE): Promise<CaseResult> {
    const found = await this.repo.findWithPersons(id, this.scope(actor), this.readableKinds(actor));
    const view = found ? CaseView.forRead(actor.role, found.row) : null;
    if (!found || !view || view.isEmpty) throw ProblemException.notFound('case');
    const { row } = found;
    const { body, fields } = renderCase(this.protection, view, row, found.persons);
    // Durable audit before any data leaves; if it fails, this throws and nothing is returned.
    await this.audit.recordRead(auditActorOf(actor), [{ action: 'case.read', resourceType: 'case', resourceId: id, fields, purpose }]);
    return { status: 200, body, etag: etagOf(row.version) };
  }

  async list(actor: Actor, query: ListCasesQuery, purpose = DEFAULT_PURPOSE): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.repo.listInScope(this.scope(actor), {
      limit: limit + 1,
      before: decodeCursor(query.cursor),
      stage: query.stage,
    });
    const page = rows.slice(0, limit);
    const views = page.map((r) => CaseView.forRead(actor.role, r, LIST_PATHS));
    const victimCases = page.filter((_, i) => views[i].personFields.victim.size > 0).map((r) => r.id);
    const persons = await this.repo.personsOf(victimCases, ['VICTIM'], undefined, LIST_PERSON_FIELDS);
    const fields = new Set<string>();
    const items = page.map((row, i) => {
      const rendered = renderCase(this.protection, views[i], row, persons);
      rendered.fields.forEach((f) => fields.add(f));
      return rendered.body;
    });
    if (items.length) {
      await this.audit.recordRead(auditActorOf(actor), [
        { action: 'case.list', resourceType: 'case', resourceIds: page.map((r) => r.id), fields: [...fields].sort(), purpose },
      ]);
    }
    return { items, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async update(actor: Actor, id: string, ifMatch: string | undefined, dto: UpdateCaseDto, purpose = DEFAULT_PURPOSE): Promise<CaseResult> {
    if (ifMatch === undefined) throw ProblemException.preconditionRequired();
    const expected = /^(?:W\/)?"v(\d{1,9})"$/.exec(ifMatch.trim());
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.findInScope(id, this.scope(actor), tx);
      if (!row || CaseView.forRead(actor.role, row).isEmpty) throw ProblemException.notFound('case');
      const requested = this.writtenPaths(dto);
      const writable = fieldsForCase(actor.role, 'update', row);
      const denied = requested.filter((p) => !writable.has(p));
      if (denied.length) {
        throw new ProblemException(403, 'field-not-writable', 'Forbidden', 'Your role may not change some of these fields.', {
          errors: denied.map((field) => ({ field, message: `${field} is not writable by your role` })),
        });
      }
      if (!expected || Number(expected[1]) !== row.version) throw ProblemException.preconditionFailed();
      if (dto.assignedUserId && !(await this.repo.isAssignableUser(dto.assignedUserId, row.owner_agency_id))) {
        throw ProblemException.unprocessable('invalid-assignee', 'The assignee must be an active caseworker or supervisor of the owning agency.', {
          errors: [{ field: 'assignedUserId', message: 'assignedUserId is not a caseworker of the owning agency' }],
        });
      }
      await this.applyUpdate(tx, row, dto);
      const result = await this.renderInTx(tx, actor, id, 200);
      // Last before commit: the chain lock is held from here to the commit.
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'case.update', resourceType: 'case', resourceId: id, fields: requested, purpose },
      ]);
      return result;
    });
  }

  // ---- internals -------------------------------------------------------------------------------------

  validateReception(dto: CreateCaseDto): Date {
    const receivedAt = new Date(dto.receivedAt);
    const errors: FieldError[] = [];
    if (receivedAt.getTime() > Date.now() + 5 * 60_000) errors.push({ field: 'receivedAt', message: 'receivedAt must not be in the future' });
    if (receivedAt.getUTCFullYear() < 2000) errors.push({ field: 'receivedAt', message: 'receivedAt must be after 2000' });
    const checkPerson = (p: PersonInputDto, path: string, minor: boolean) => {
      if (p.dateOfBirth && new Date(p.dateOfBirth) > receivedAt) errors.push({ field: `${path}.dateOfBirth`, message: `${path}.dateOfBirth must be before receivedAt` });
      if (p.dateOfBirth && p.dateOfBirth < '1900-01-01') errors.push({ field: `${path}.dateOfBirth`, message: `${path}.dateOfBirth must be after 1900` });
      if (p.dateOfBirth && p.birthYear && Number(p.dateOfBirth.slice(0, 4)) !== p.birthYear) {
        errors.push({ field: `${path}.birthYear`, message: `${path}.birthYear does not match dateOfBirth` });
      }
      const age = ageAt(receivedAt, p.dateOfBirth, p.birthYear);
      if (minor && age !== null && age >= 18) errors.push({ field: `${path}.dateOfBirth`, message: `${path} must be under 18 at reception` });
    };
    checkPerson(dto.victim, 'victim', false);
    (dto.accompanyingMinors ?? []).forEach((m, i) => checkPerson(m, `accompanyingMinors[${i}]`, true));
    if (errors.length) throw ProblemException.unprocessable('invalid-case', 'The case data is inconsistent.', { errors });
    return receivedAt;
  }

  /** Field paths a create/update body writes (for the registry check and the audit event). */
  private writtenPaths(dto: Partial<CreateCaseDto> | UpdateCaseDto): string[] {
    const paths: string[] = [];
    for (const [k, v] of Object.entries(dto)) {
      if (v === undefined) continue;
      if (k === 'victim' || k === 'accompanyingMinors' || k === 'relatives') {
        const people = Array.isArray(v) ? v : [v];
        const keys = new Set(people.flatMap((p: object) => Object.entries(p).filter(([, x]) => x !== undefined).map(([f]) => f)));
        paths.push(...[...keys].map((f) => `${k}.${f}`));
      } else paths.push(k);
    }
    return paths.sort();
  }

  /**
   * Writes a new case with its persons, data keys and blind indexes inside `tx`, and returns a function that
   * gives it its case number: call that late, just before the audit append (see assignCaseNumber). Used by
   * other reception paths (border handovers), which open cases at another agency than the actor's.
   */
  async openCase(tx: EntityManager, actor: Actor, caseId: string, dto: CreateCaseDto, receivedAt: Date, opts: NewCaseOptions = {}): Promise<() => Promise<string>> {
    await this.repo.insertCase(tx, this.newCaseParts(actor, caseId, dto, receivedAt, opts));
    return () => this.repo.assignCaseNumber(tx, caseId, dto.provinceCode, receivedAt.getUTCFullYear());
  }

  /** The rows of a new case: data keys, the case, its persons (values sealed) and their blind indexes. */
  private newCaseParts(actor: Actor, caseId: string, dto: CreateCaseDto, receivedAt: Date, opts: NewCaseOptions = {}): NewCaseParts {
    const keys: Array<WrappedKey & { ownerType: 'case' | 'person' }> = [];
    const caseKey = this.protection.newKey(caseId);
    keys.push({ ...caseKey.stored, ownerType: 'case' });

    const people = [
      { kind: 'VICTIM' as const, ordinal: 0, input: dto.victim as PersonInputDto & { relation?: string } },
      ...(dto.accompanyingMinors ?? []).map((m, i) => ({ kind: 'ACCOMPANYING_MINOR' as const, ordinal: i + 1, input: m })),
      ...(dto.relatives ?? []).map((r, i) => ({
        kind: 'RELATIVE' as const,
        ordinal: i + 1,
        input: { sex: 'UNKNOWN', nationality: 'XX', ...r } as unknown as PersonInputDto & { relation?: string },
      })),
    ].map((p) => ({ ...p, id: uuidv7() }));

    const personRows = people.map((p) => {
      const key = this.protection.newKey(p.id);
      keys.push({ ...key.stored, ownerType: 'person' });
      return {
        id: p.id,
        // Relatives are protected but not searchable: the duplicate check is about victims.
        indexes: p.kind === 'RELATIVE' ? [] : this.protection.personIndexes(p.input),
        row: {
          id: p.id,
          case_id: caseId,
          kind: p.kind,
          ordinal: p.ordinal,
          relation: p.input.relation ?? null,
          sex: p.input.sex,
          nationality: p.input.nationality,
          location: p.input.location ?? null,
          age_band: ageBand(ageAt(receivedAt, p.input.dateOfBirth, p.input.birthYear)),
          ...this.protection.seal(PERSON_TABLE, PERSON_FIELDS, p.id, key.dataKey, personValues(p.input)),
        },
      };
    });

    const caseRow = {
      id: caseId,
      case_number: `pending:${caseId}`, // unique until its number is assigned, in the same transaction
      owner_agency_id: opts.ownerAgencyId ?? actor.agencyId,
      source_handover_id: opts.sourceHandoverId ?? null,
      province_code: dto.provinceCode,
      commune_code: dto.communeCode ?? null,
      channel: dto.channel,
      received_at: receivedAt,
      stage: 'RECEIVED',
      // The receiving caseworker is the first assignee, so CASE_SCOPE=assigned keeps the case visible to them.
      assigned_user_id: actor.role === 'CASEWORKER' && !opts.ownerAgencyId ? actor.userId : null,
      exploitation_forms: dto.exploitationForms ?? [],
      destination_country: dto.destinationCountry ?? null,
      created_by: actor.userId,
      ...this.protection.seal(CASE_TABLE, CASE_FIELDS, caseId, caseKey.dataKey, { summary: dto.summary }),
    };
    return {
      keys,
      caseRow,
      persons: personRows.map((p) => p.row),
      indexes: personRows.flatMap((p) => p.indexes.map((ix) => ({ personId: p.id, caseId, ...ix }))),
    };
  }

  private async applyUpdate(tx: EntityManager, row: CaseRow, dto: UpdateCaseDto): Promise<void> {
    const columns: Record<string, unknown> = {};
    if (dto.communeCode !== undefined) columns.commune_code = dto.communeCode;
    if (dto.exploitationForms !== undefined) columns.exploitation_forms = dto.exploitationForms ?? [];
    if (dto.destinationCountry !== undefined) columns.destination_country = dto.destinationCountry;
    if (dto.assignedUserId !== undefined) columns.assigned_user_id = dto.assignedUserId;
    if (dto.summary !== undefined) {
      const key = this.protection.openKey({ ownerId: row.id, kekVersion: row.key_version!, wrapped: row.key_wrapped! });
      Object.assign(columns, this.protection.seal(CASE_TABLE, CASE_FIELDS, row.id, key, { summary: dto.summary }));
    }
    const version = await this.repo.updateCase(tx, row.id, row.version, columns);
    if (version === null) throw ProblemException.preconditionFailed();

    if (dto.victim && Object.values(dto.victim).some((v) => v !== undefined)) {
      const [victim] = await this.repo.personsOf([row.id], ['VICTIM'], tx);
      const key = this.protection.openKey({ ownerId: victim.id, kekVersion: victim.key_version, wrapped: victim.key_wrapped });
      const v = dto.victim;
      const personColumns: Record<string, unknown> = this.protection.seal(PERSON_TABLE, PERSON_FIELDS, victim.id, key, personValues(v));
      if (v.sex !== undefined) personColumns.sex = v.sex;
      if (v.nationality !== undefined) personColumns.nationality = v.nationality;
      if (v.location !== undefined) personColumns.location = v.location;
      const current = this.protection.open(PERSON_TABLE, PERSON_FIELDS, victim.id, key, victim, ['fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone']);
      const merged = { ...current, ...Object.fromEntries(Object.entries(personValues(v)).filter(([, x]) => x !== undefined)) } as Record<string, never>;
      if (v.dateOfBirth !== undefined || v.birthYear !== undefined) {
        const received = row.received_at as Date;
        personColumns.age_band = ageBand(ageAt(received, merged.dateOfBirth, merged.birthYear));
      }
      await this.repo.updatePerson(tx, victim.id, personColumns);
      if (['fullName', 'birthYear', 'idNumber', 'phone'].some((f) => (v as Record<string, unknown>)[f] !== undefined)) {
        await this.repo.replaceBlindIndexes(tx, victim.id, row.id, this.protection.personIndexes(merged));
      }
    }
  }

  /** Renders the case as the actor sees it, inside the transaction that changed it (no separate read event). */
  private async renderInTx(tx: EntityManager, actor: Actor, id: string, status: number): Promise<CaseResult> {
    const found = await this.repo.findWithPersons(id, this.scope(actor), this.readableKinds(actor), tx);
    if (!found) throw ProblemException.notFound('case');
    return this.render(actor, found, status);
  }

  private render(actor: Actor, found: CaseWithPersons, status: number): CaseResult {
    const view = CaseView.forRead(actor.role, found.row);
    return { status, body: renderCase(this.protection, view, found.row, found.persons).body, etag: etagOf(found.row.version) };
  }
}

type NewCaseOptions = { ownerAgencyId?: string; sourceHandoverId?: string };
