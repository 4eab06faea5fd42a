import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PERSON_FIELDS, PersonField } from '../access/field-registry';
import { FieldProtection } from '../access/field-protection.service';
import { revealsOutOfScope, revealsOutOfScopeSql } from '../access/out-of-scope-disclosure';
import { scopePredicate } from '../access/scope-predicate';
import { SqlParams } from '../access/sql-params';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { BlindIndexKind, normalizeIdNumber, normalizePhone, normalizeVietnamese } from '../crypto';
import { rawQuery } from '../database/raw-query';
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
  /** Pool-direct, prepared (database/raw-query.ts): this check runs at every reception desk. */
  private readonly query: ReturnType<typeof rawQuery>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {
    this.query = rawQuery(db);
  }

  async check(actor: Actor, dto: DuplicateCheckDto) {
    if (!ALLOWED_ROLES.includes(actor.role)) throw ProblemException.forbidden('forbidden', 'Your role may not run duplicate checks.');
    if (!normalizeVietnamese(dto.fullName)) {
      throw ProblemException.unprocessable('invalid-duplicate-check', 'fullName has no letters to match on.', {
        errors: [{ field: 'fullName', message: 'fullName must contain letters or digits' }],
      });
    }
    const wanted = this.protection.personIndexes({ fullName: dto.fullName, birthYear: dto.birthYear, idNumber: dto.idNumber, phone: dto.phone });
    const candidates = await this.candidates(actor, wanted);
    const confirmed = this.confirm(candidates, dto);

    const matches: Array<{ caseId: string; caseNumber: string; personId: string; matchedOn: Matched[] }> = [];
    const elsewhere = new Map<string, { agencyId: string; agencyName: string }>();
    for (const c of confirmed) {
      if (c.caseNumber !== null) matches.push({ caseId: c.caseId, caseNumber: c.caseNumber, personId: c.personId, matchedOn: c.matchedOn });
      else if (revealsOutOfScope(c.matchedOn)) {
        elsewhere.set(c.agencyId, { agencyId: c.agencyId, agencyName: c.agencyName });
      }
    }
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'case.duplicate_check', resourceType: 'case', resourceIds: matches.map((m) => m.caseId), fields: ['victim.fullName', 'victim.birthYear', 'victim.idNumber', 'victim.phone'], purpose: dto.purpose },
    ]);
    return { matches, possibleMatchesElsewhere: [...elsewhere.values()] };
  }

  /**
   * One round trip: the candidate persons with their data keys, owning agency, and — only for cases in the
   * actor's scope — the case number (out-of-scope case numbers never leave the database).
   *
   * Candidates share a STRONG index with the query: name + birth year, ID number or phone (each value is
   * shared by a few dozen to a few hundred people at 1M). A name alone is shared by thousands (5,661 people for
   * one value in the 1M benchmark seed), so the name index only marks which strong candidates also share the
   * name — except when the caller gave nothing but a name: then same-name persons of cases in the caller's
   * scope are the candidates (out of scope a name is never enough anyway). Out-of-scope candidates whose hits
   * could not be revealed are dropped before the cap and before their rows are read; the rest are ranked by how
   * many indexes they share before the cap, so the cap can only drop the weakest.
   * Fixed-shape SQL (absent values are NULL, which matches nothing): PostgreSQL plans it once per connection.
   */
  private async candidates(actor: Actor, wanted: Array<{ kind: BlindIndexKind; value: number }>): Promise<CandidateRow[]> {
    const valueOf = (kind: BlindIndexKind) => wanted.find((w) => w.kind === kind)?.value ?? null;
    const p = new SqlParams();
    const name = p.add(valueOf('name'));
    const s = scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE });
    const nameOnly = wanted.every((w) => w.kind === 'name');
    // Every parameter must appear in the text (PostgreSQL cannot type an unused one): added only when used.
    const [nameYear, idNumber, phone] = nameOnly ? [] : [p.add(valueOf('name_birth_year')), p.add(valueOf('id_number')), p.add(valueOf('phone'))];
    // Each strong value is its own index-only scan of the covering lookup index (an OR of them became a bitmap
    // scan that read a heap page per candidate); the name's entries likewise, then matched in memory — probing
    // each candidate's own name row read an index path and a heap page per candidate (bench/README.md, session 6).
    const strongByKind = (kind: BlindIndexKind, value: string) => `SELECT person_id, case_id, kind FROM person_blind_indexes WHERE kind = '${kind}' AND value = ${value}::integer`;
    const sources = nameOnly
      ? `SELECT b.person_id, b.case_id, 'name' AS kind FROM person_blind_indexes b JOIN cases c ON c.id = b.case_id
          WHERE b.kind = 'name' AND b.value = ${name}::integer AND ${s.where}
          LIMIT ${MAX_CANDIDATES}`
      : [strongByKind('name_birth_year', nameYear!), strongByKind('id_number', idNumber!), strongByKind('phone', phone!)].join(' UNION ALL ');
    // Name-only candidates already share the name; the others are marked when they share it too.
    const [named, sharedName] = nameOnly
      ? ['', '']
      : [
          `named AS MATERIALIZED (SELECT person_id FROM person_blind_indexes WHERE kind = 'name' AND value = ${name}::integer),`,
          `UNION ALL SELECT person_id, case_id, 'name' FROM strong WHERE person_id IN (SELECT person_id FROM named)`,
        ];
    // An out-of-scope candidate is kept only if its hits could meet the disclosure rule (access/out-of-scope-disclosure,
    // decided again after decryption): at 1M most candidates are strangers of other agencies sharing one
    // truncated value, and dropping them here spares their person, key and agency rows (≈ 90 % of the joins).
    return this.query<CandidateRow>(
      `WITH strong AS (${sources}),
       ${named}
       hits AS (
         SELECT person_id, case_id, array_agg(DISTINCT kind) AS kinds, count(DISTINCT kind) AS n FROM (
           SELECT person_id, case_id, kind FROM strong
           ${sharedName}
         ) x
         GROUP BY person_id, case_id),
       eligible AS (
         SELECT hits.person_id, hits.kinds, c.owner_agency_id, CASE WHEN ${s.where} THEN c.case_number END AS case_number
           FROM hits JOIN cases c ON c.id = hits.case_id
          WHERE ${s.where} OR ${revealsOutOfScopeSql('hits.kinds')}
          ORDER BY hits.n DESC, hits.person_id LIMIT ${MAX_CANDIDATES})
       SELECT p.id, p.case_id, e.kinds, p.full_name_enc, p.birth_year_enc, p.date_of_birth_enc, p.id_number_enc, p.phone_enc,
              k.kek_version, k.wrapped, e.owner_agency_id, a.name AS agency_name, e.case_number
         FROM eligible e JOIN persons p ON p.id = e.person_id JOIN data_keys k ON k.owner_id = p.id
         JOIN agencies a ON a.id = e.owner_agency_id`,
      p.values,
    );
  }

  /**
   * Decrypts candidates on the server and keeps those whose normalised values really match. Only fields that
   * could confirm something are decrypted: a field whose blind index did not hit cannot match (indexes are
   * deterministic over the same normalisation), and an out-of-scope candidate is opened only when its hits
   * could meet the two-identifier rule — most candidates are other people sharing a truncated index value.
   */
  private confirm(rows: CandidateRow[], dto: DuplicateCheckDto) {
    const name = normalizeVietnamese(dto.fullName);
    return rows.flatMap((r) => {
      const inScope = r.case_number !== null;
      if (!inScope && !revealsOutOfScope(r.kinds)) return [];
      const fields = new Set<PersonField>();
      if (r.kinds.includes('name') || r.kinds.includes('name_birth_year')) fields.add('fullName');
      if (r.kinds.includes('name_birth_year')) fields.add('birthYear').add('dateOfBirth');
      if (r.kinds.includes('id_number')) fields.add('idNumber');
      if (r.kinds.includes('phone')) fields.add('phone');
      const key = this.protection.openKey({ ownerId: r.id, kekVersion: r.kek_version, wrapped: r.wrapped });
      const v = this.protection.open('persons', PERSON_FIELDS, r.id, key, r, [...fields]);
      const matchedOn: Matched[] = [];
      const sameName = typeof v.fullName === 'string' && normalizeVietnamese(v.fullName) === name;
      const year = v.birthYear ?? (typeof v.dateOfBirth === 'string' ? Number(v.dateOfBirth.slice(0, 4)) : null);
      if (sameName) matchedOn.push('name');
      if (sameName && dto.birthYear && year === dto.birthYear) matchedOn.push('name_birth_year');
      if (dto.idNumber && v.idNumber && normalizeIdNumber(String(v.idNumber)) === normalizeIdNumber(dto.idNumber)) matchedOn.push('id_number');
      if (dto.phone && v.phone && normalizePhone(String(v.phone)) === normalizePhone(dto.phone)) matchedOn.push('phone');
      return matchedOn.length ? [{ personId: r.id, caseId: r.case_id, caseNumber: r.case_number, agencyId: r.owner_agency_id, agencyName: r.agency_name, matchedOn }] : [];
    });
  }
}

interface CandidateRow extends Record<string, unknown> {
  id: string;
  case_id: string;
  kinds: BlindIndexKind[];
  kek_version: number;
  wrapped: Buffer;
  owner_agency_id: string;
  agency_name: string;
  /** Only when the case is in the actor's scope. */
  case_number: string | null;
}
