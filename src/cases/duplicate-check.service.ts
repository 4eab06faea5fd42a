import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERSON_FIELDS } from '../access/field-registry';
import { FieldProtection } from '../access/field-protection.service';
import { scopePredicate } from '../access/scope-predicate';
import { SqlParams } from '../access/sql-params';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { BlindIndexKind, normalizeIdNumber, normalizePhone, normalizeVietnamese } from '../crypto';
import type { DuplicateCheckDto } from './dto/duplicate-check.dto';

const ALLOWED_ROLES = ['CASEWORKER', 'SUPERVISOR', 'BORDER_GUARD', 'POLICE_OFFICER'];
const MAX_CANDIDATES = 200;

type Matched = 'name' | 'name_birth_year' | 'id_number' | 'phone';

/**
 * "Is this person already known?" — an oracle for "is this person a victim anywhere", so it is narrow:
 * blind indexes find candidates (many people share each truncated value), the server decrypts and compares
 * them, in-scope matches are returned with their case, and an out-of-scope match reveals only
 * "a possible match exists at agency X" — and only when two independent identifiers agree.
 */
@Injectable()
export class DuplicateCheckService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async check(actor: Actor, dto: DuplicateCheckDto) {
    if (!ALLOWED_ROLES.includes(actor.role)) throw ProblemException.forbidden('forbidden', 'Your role may not run duplicate checks.');
    if (!normalizeVietnamese(dto.fullName)) {
      throw ProblemException.unprocessable('invalid-duplicate-check', 'fullName has no letters to match on.', {
        errors: [{ field: 'fullName', message: 'fullName must contain letters or digits' }],
      });
    }
    const wanted = this.protection.personIndexes({ fullName: dto.fullName, birthYear: dto.birthYear, idNumber: dto.idNumber, phone: dto.phone });
    const p = new SqlParams();
    const pairs = wanted.map((w) => `(${p.add(w.kind)}, ${p.add(w.value)}::integer)`);
    const candidates: Array<{ person_id: string; case_id: string; kinds: BlindIndexKind[] }> = await this.db.query(
      `SELECT person_id, case_id, array_agg(kind) AS kinds FROM person_blind_indexes
        WHERE (kind, value) IN (${pairs.join(', ')}) GROUP BY person_id, case_id LIMIT ${MAX_CANDIDATES}`,
      p.values,
    );
    const confirmed = await this.confirm(candidates.map((c) => c.person_id), dto);
    const caseIds = [...new Set(confirmed.map((c) => c.caseId))];
    const inScope = await this.inScope(actor, caseIds);

    const matches: Array<{ caseId: string; caseNumber: string; personId: string; matchedOn: Matched[] }> = [];
    const elsewhere = new Map<string, { agencyId: string; agencyName: string }>();
    for (const c of confirmed) {
      const visible = inScope.get(c.caseId);
      if (visible) matches.push({ caseId: c.caseId, caseNumber: visible, personId: c.personId, matchedOn: c.matchedOn });
      else if (c.matchedOn.includes('name_birth_year') && (c.matchedOn.includes('id_number') || c.matchedOn.includes('phone'))) {
        elsewhere.set(c.agencyId, { agencyId: c.agencyId, agencyName: c.agencyName });
      }
    }
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'case.duplicate_check', resourceType: 'case', resourceIds: matches.map((m) => m.caseId), fields: ['victim.fullName', 'victim.birthYear', 'victim.idNumber', 'victim.phone'], purpose: dto.purpose },
    ]);
    return { matches, possibleMatchesElsewhere: [...elsewhere.values()] };
  }

  /** Decrypts candidates on the server and keeps those whose normalised values really match. */
  private async confirm(personIds: string[], dto: DuplicateCheckDto) {
    if (personIds.length === 0) return [];
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT p.id, p.case_id, p.full_name_enc, p.birth_year_enc, p.date_of_birth_enc, p.id_number_enc, p.phone_enc,
              k.kek_version, k.wrapped, c.owner_agency_id, a.name AS agency_name
         FROM persons p JOIN data_keys k ON k.owner_id = p.id JOIN cases c ON c.id = p.case_id JOIN agencies a ON a.id = c.owner_agency_id
        WHERE p.id = ANY($1::uuid[])`,
      [personIds],
    );
    const name = normalizeVietnamese(dto.fullName);
    return rows.flatMap((r) => {
      const key = this.protection.openKey({ ownerId: r.id, kekVersion: r.kek_version, wrapped: r.wrapped });
      const v = this.protection.open('persons', PERSON_FIELDS, r.id, key, r, ['fullName', 'birthYear', 'dateOfBirth', 'idNumber', 'phone']);
      const matchedOn: Matched[] = [];
      const sameName = typeof v.fullName === 'string' && normalizeVietnamese(v.fullName) === name;
      const year = v.birthYear ?? (typeof v.dateOfBirth === 'string' ? Number(v.dateOfBirth.slice(0, 4)) : null);
      if (sameName) matchedOn.push('name');
      if (sameName && dto.birthYear && year === dto.birthYear) matchedOn.push('name_birth_year');
      if (dto.idNumber && v.idNumber && normalizeIdNumber(String(v.idNumber)) === normalizeIdNumber(dto.idNumber)) matchedOn.push('id_number');
      if (dto.phone && v.phone && normalizePhone(String(v.phone)) === normalizePhone(dto.phone)) matchedOn.push('phone');
      return matchedOn.length ? [{ personId: r.id as string, caseId: r.case_id as string, agencyId: r.owner_agency_id as string, agencyName: r.agency_name as string, matchedOn }] : [];
    });
  }

  private async inScope(actor: Actor, caseIds: string[]): Promise<Map<string, string>> {
    if (caseIds.length === 0) return new Map();
    const p = new SqlParams();
    const ids = p.add(caseIds);
    const s = scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE });
    const rows: Array<{ id: string; case_number: string }> = await this.db.query(`SELECT c.id, c.case_number FROM cases c WHERE c.id = ANY(${ids}::uuid[]) AND ${s.where}`, p.values);
    return new Map(rows.map((r) => [r.id, r.case_number]));
  }
}
