import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { CaseAccessService, CasePartAccess } from '../../access/case-access.service';
import type { FieldSpec } from '../../access/field-registry';
import { FieldProtection, WrappedKey } from '../../access/field-protection.service';
import { mapRecord } from '../../access/record-mapper';
import { SqlParams } from '../../access/sql-params';
import { AuditService, auditActorOf } from '../../audit';
import type { Actor } from '../../auth/actor';
import { FieldError, ProblemException } from '../../common/problem';
import { IdempotencyService } from '../../idempotency/idempotency.service';
import type { CaseRow } from '../cases.repository';

/** A part of a case stored in its own table and declared in the field registry. */
export interface CasePart<F extends string> {
  table: string;
  /** Registry path prefix, e.g. `shelterStays.` */
  prefix: string;
  fields: Record<F, FieldSpec>;
  /** Whose data key encrypts the part's texts: the person it is about, or the case. */
  keyOwner: 'person' | 'case';
  /** Audit action stem, e.g. `shelter` → shelter.create / shelter.update / shelter.list */
  audit: string;
  purpose: string;
}

type Row = Record<string, unknown> & { id: string; version: number; person_id?: string | null };

/**
 * Create, list and update of case parts (protection measures, shelter stays, notes) through the privacy
 * core: requireAccess on the case, registry field checks, encryption under the right key, audit in the same
 * transaction (writes) or before the response (reads), ETag/If-Match on updates.
 */
@Injectable()
export class CasePartsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: CaseAccessService,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  private async keyFor<F extends string>(part: CasePart<F>, c: CaseRow, personId: string | null | undefined, tx: EntityManager | DataSource): Promise<Buffer> {
    if (part.keyOwner === 'case') return this.protection.openKey({ ownerId: c.id, kekVersion: c.key_version!, wrapped: c.key_wrapped! });
    const [k] = (await tx.query(
      `SELECT k.owner_id AS "ownerId", k.kek_version AS "kekVersion", k.wrapped FROM persons p JOIN data_keys k ON k.owner_id = p.id WHERE p.id = $1 AND p.case_id = $2`,
      [personId, c.id],
    )) as WrappedKey[];
    if (!k) throw ProblemException.unprocessable('invalid-person', 'personId is not a person of this case.', { errors: [{ field: 'personId', message: 'personId is not a person of this case' }] });
    return this.protection.openKey(k);
  }

  private render<F extends string>(part: CasePart<F>, row: Row, fields: Set<F>, key: Buffer | null): Record<string, unknown> {
    const wanted = [...fields].filter((f) => part.fields[f].encrypted && row[part.fields[f].column]);
    const decrypted = key && wanted.length ? this.protection.open(part.table, part.fields, row.id, key, row, wanted) : {};
    return mapRecord(part.fields, (f) => fields.has(f), row, decrypted);
  }

  /** `values`: registry fields as given by the client; `derived`: columns the server computes (not client-writable). */
  async create<F extends string>(
    actor: Actor,
    caseId: string,
    part: CasePart<F>,
    values: Partial<Record<F, unknown>>,
    opts: {
      derived?: (c: CaseRow) => Record<string, unknown>;
      validate?: (c: CaseRow, tx: EntityManager) => Promise<FieldError[]>;
      idempotencyKey?: string;
    } = {},
  ): Promise<{ body: Record<string, unknown>; etag: string }> {
    return this.db.transaction(async (tx) => {
      const access: CasePartAccess<F> = await this.access.requirePart<F>(actor, caseId, part.prefix, tx);
      const given = (Object.keys(values) as F[]).filter((f) => values[f] !== undefined);
      this.access.requireWritable(given, access.writable);
      const id = uuidv7();
      if (opts.idempotencyKey) {
        const operation = `${part.audit}.create`;
        const claim = await this.idempotency.claim(tx, {
          userId: actor.userId,
          key: opts.idempotencyKey,
          operation,
          requestHash: this.idempotency.requestHash(operation, { caseId, values }),
          resourceId: id,
          statusCode: 201,
        });
        if (claim.replay) return this.replay(actor, caseId, part, claim.resourceId, access, tx);
      }
      const errors = opts.validate ? await opts.validate(access.row, tx) : [];
      if (errors.length) throw ProblemException.unprocessable('invalid-input', 'The data is inconsistent.', { errors });
      const personId = (values as Record<string, unknown>).personId as string | undefined;
      const key = await this.keyFor(part, access.row, personId, tx);
      const columns: Record<string, unknown> = { id, case_id: caseId, created_by: actor.userId, ...(opts.derived?.(access.row) ?? {}) };
      for (const f of given) if (!part.fields[f].encrypted) columns[part.fields[f].column] = values[f];
      Object.assign(columns, this.protection.seal(part.table, part.fields, id, key, values as never));
      const p = new SqlParams();
      const cols = Object.keys(columns);
      await tx.query(`INSERT INTO ${part.table} (${cols.join(', ')}) VALUES (${cols.map((c) => p.add(columns[c])).join(', ')})`, p.values);
      const [row] = (await tx.query(`SELECT * FROM ${part.table} WHERE id = $1`, [id])) as Row[];
      const result = { body: this.render(part, row, access.readable, key), etag: `"v${row.version}"` };
      // Last before commit: the chain lock is held from here to the commit.
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: `${part.audit}.create`, resourceType: 'case', resourceId: caseId, fields: given.map((f) => part.prefix + f).sort(), purpose: part.purpose },
      ]);
      return result;
    });
  }

  /** A retried create (same Idempotency-Key and body): the original resource, read again (and audited as a read). */
  private async replay<F extends string>(actor: Actor, caseId: string, part: CasePart<F>, id: string, access: CasePartAccess<F>, tx: EntityManager) {
    const [row] = (await tx.query(`SELECT * FROM ${part.table} WHERE id = $1 AND case_id = $2`, [id, caseId])) as Row[];
    if (!row) throw ProblemException.unprocessable('idempotency-key-reused', 'This Idempotency-Key was already used for another resource.');
    const key = await this.keyFor(part, access.row, row.person_id, tx);
    const result = { body: this.render(part, row, access.readable, key), etag: `"v${row.version}"` };
    await this.audit.appendInTransaction(tx, auditActorOf(actor), [
      { action: `${part.audit}.replay`, resourceType: 'case', resourceId: caseId, resourceIds: [id], fields: [...access.readable].map((f) => part.prefix + f).sort(), purpose: part.purpose },
    ]);
    return result;
  }

  async list<F extends string>(actor: Actor, caseId: string, part: CasePart<F>): Promise<{ items: Record<string, unknown>[]; nextCursor: null }> {
    const access = await this.access.requirePart<F>(actor, caseId, part.prefix);
    const rows = (await this.db.query(`SELECT * FROM ${part.table} WHERE case_id = $1 ORDER BY id`, [caseId])) as Row[];
    const keys = new Map<string, Buffer>();
    const items: Record<string, unknown>[] = [];
    for (const row of rows) {
      const owner = part.keyOwner === 'case' ? caseId : (row.person_id as string);
      if (!keys.has(owner)) keys.set(owner, await this.keyFor(part, access.row, row.person_id, this.db));
      items.push(this.render(part, row, access.readable, keys.get(owner)!));
    }
    await this.audit.recordRead(auditActorOf(actor), [
      { action: `${part.audit}.list`, resourceType: 'case', resourceId: caseId, resourceIds: rows.map((r) => r.id), fields: [...access.readable].map((f) => part.prefix + f).sort(), purpose: part.purpose },
    ]);
    return { items, nextCursor: null };
  }

  async update<F extends string>(
    actor: Actor,
    caseId: string,
    part: CasePart<F>,
    id: string,
    ifMatch: string | undefined,
    values: Partial<Record<F, unknown>>,
    opts: { derived?: (current: Row, c: CaseRow) => Record<string, unknown>; validate?: (current: Row) => FieldError[] } = {},
  ): Promise<{ body: Record<string, unknown>; etag: string }> {
    if (ifMatch === undefined) throw ProblemException.preconditionRequired();
    return this.db.transaction(async (tx) => {
      const access = await this.access.requirePart<F>(actor, caseId, part.prefix, tx);
      const [current] = (await tx.query(`SELECT * FROM ${part.table} WHERE id = $1 AND case_id = $2 FOR UPDATE`, [id, caseId])) as Row[];
      if (!current) throw ProblemException.notFound(part.audit);
      const given = (Object.keys(values) as F[]).filter((f) => values[f] !== undefined);
      this.access.requireWritable(given, access.writable);
      if (ifMatch.trim() !== `"v${current.version}"`) throw ProblemException.preconditionFailed();
      const errors = opts.validate?.(current) ?? [];
      if (errors.length) throw ProblemException.unprocessable('invalid-input', 'The data is inconsistent.', { errors });
      const key = await this.keyFor(part, access.row, current.person_id, tx);
      const columns: Record<string, unknown> = { ...(opts.derived?.(current, access.row) ?? {}) };
      for (const f of given) if (!part.fields[f].encrypted) columns[part.fields[f].column] = values[f];
      Object.assign(columns, this.protection.seal(part.table, part.fields, id, key, values as never));
      const p = new SqlParams();
      const sets = Object.entries(columns).map(([c, v]) => `${c} = ${p.add(v)}`);
      await tx.query(`UPDATE ${part.table} SET ${[...sets, 'version = version + 1'].join(', ')} WHERE id = ${p.add(id)}`, p.values);
      const [row] = (await tx.query(`SELECT * FROM ${part.table} WHERE id = $1`, [id])) as Row[];
      const result = { body: this.render(part, row, access.readable, key), etag: `"v${row.version}"` };
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: `${part.audit}.update`, resourceType: 'case', resourceId: caseId, fields: given.map((f) => part.prefix + f).sort(), purpose: part.purpose },
      ]);
      return result;
    });
  }
}
