import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CASE_FIELDS, PERSON_FIELDS } from '../access/field-registry';
import type { WrappedKey } from '../access/field-protection.service';
import { SqlParams } from '../access/sql-params';
import { rawQuery, rawStatement } from '../database/raw-query';
import { STAGED_INSERT_SQL, type StagedEvents } from '../audit/staged';

/** A case row as selected, with the reasons of access that hold for the actor and the case's wrapped key. */
export interface CaseRow extends Record<string, unknown> {
  id: string;
  version: number;
  reasons: string[];
  /** Fields shared with the actor's agency by active referrals (REFERRAL reason only). */
  referral_fields?: string[] | null;
  owner_agency_id: string;
  key_version: number | null;
  key_wrapped: Buffer | null;
}

export interface PersonRow extends Record<string, unknown> {
  id: string;
  case_id: string;
  kind: 'VICTIM' | 'ACCOMPANYING_MINOR' | 'RELATIVE';
  key_version: number;
  key_wrapped: Buffer;
}

export type ScopeSql = (p: SqlParams) => { where: string; reasons: string; referralFields: string };

/** A person's data key, beside its columns (`k` joined on the person's id). */
const PERSON_KEY_COLUMNS = 'k.kek_version AS key_version, k.wrapped AS key_wrapped';
const PERSON_COLUMNS = `p.*, ${PERSON_KEY_COLUMNS}`;

/**
 * The columns a rendered case needs: the registry's columns plus what access and concurrency use. Named, not
 * `c.*`/`p.*`: the driver parses every selected column of every row, and the hot read selects only these.
 */
const CASE_READ_COLUMN_NAMES = [...new Set([...Object.values(CASE_FIELDS).map((f) => f.column), 'version'])];
const CASE_READ_COLUMNS = CASE_READ_COLUMN_NAMES.map((c) => `c.${c}`).join(', ');
const PERSON_READ_COLUMNS = [...new Set(['case_id', 'kind', 'ordinal', ...Object.values(PERSON_FIELDS).map((f) => f.column)])];
/** The person kinds as SQL literals (a closed set: nothing else can be spliced into the text). */
const PERSON_KIND_SQL: Record<PersonRow['kind'], string> = { VICTIM: 'VICTIM', ACCOMPANYING_MINOR: 'ACCOMPANYING_MINOR', RELATIVE: 'RELATIVE' };
/** Person columns come back prefixed (`p_<column>`) beside the case's, one row per person. */
const PERSON_PREFIX = 'p_';
const PERSON_SELECT = PERSON_READ_COLUMNS.map((c) => `p.${c} AS ${PERSON_PREFIX}${c}`).join(', ');

/** The SQL of the case aggregate. Every read takes the caller's scope predicate; nothing reads around it. */
@Injectable()
export class CasesRepository {
  /** Reads outside a transaction go straight to the pool (see database/raw-query.ts). */
  private readonly read: ReturnType<typeof rawQuery>;
  /** Writes that are one statement (their own transaction): the pool, unprepared (their shapes vary). */
  private readonly statement: ReturnType<typeof rawStatement>;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.read = rawQuery(db);
    this.statement = rawStatement(db);
  }

  private run<T>(tx: EntityManager | undefined, sql: string, params: unknown[]): Promise<T[]> {
    return tx ? tx.query(sql, params) : this.read<T>(sql, params);
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findInScope(id: string, scope: ScopeSql, tx?: EntityManager, opts: { lock?: boolean } = {}): Promise<CaseRow | null> {
    const p = new SqlParams();
    const s = scope(p);
    const rows = await this.run<CaseRow>(
      tx,
      `SELECT c.*, ${s.reasons} AS reasons, ${s.referralFields} AS referral_fields, k.kek_version AS key_version, k.wrapped AS key_wrapped
         FROM cases c LEFT JOIN data_keys k ON k.owner_id = c.id
        WHERE c.id = ${p.add(id)} AND ${s.where}${opts.lock ? ' FOR UPDATE OF c' : ''}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  /**
   * One case in scope with its persons of `kinds`, in ONE round trip (a lateral join: one row per person, the
   * case's columns repeated; one row with no person when it has none of those kinds). The caller still
   * decides per person what to decrypt and return (CaseView); `kinds` only bounds what is fetched.
   */
  async findWithPersons(id: string, scope: ScopeSql, kinds: Array<PersonRow['kind']>, tx?: EntityManager): Promise<CaseWithPersons | null> {
    const p = new SqlParams();
    const s = scope(p);
    const rows = await this.run<Record<string, unknown>>(tx, caseWithPersonsSql(s, p.add(id), kinds, STORED), p.values);
    return caseWithPersonsOf(rows);
  }

  /**
   * The persons of these cases. `fields` (registry names) narrows the columns to what the caller can render —
   * the list shows a victim's name of 14 person fields, and every selected ciphertext is parsed into a Buffer
   * for every row (a page of 50 spent a quarter of its CPU in garbage collection, bench/README.md, session 7).
   */
  async personsOf(caseIds: string[], kinds: Array<PersonRow['kind']>, tx?: EntityManager, fields?: ReadonlyArray<keyof typeof PERSON_FIELDS>): Promise<PersonRow[]> {
    if (caseIds.length === 0 || kinds.length === 0) return [];
    const columns = fields
      ? `${[...new Set(['id', 'case_id', 'kind', 'ordinal', ...fields.map((f) => PERSON_FIELDS[f].column)])].map((c) => `p.${c}`).join(', ')}, ${PERSON_KEY_COLUMNS}`
      : PERSON_COLUMNS;
    return this.run<PersonRow>(
      tx,
      `SELECT ${columns} FROM persons p JOIN data_keys k ON k.owner_id = p.id
        WHERE p.case_id = ANY($1::uuid[]) AND p.kind = ANY($2::text[])
        ORDER BY p.case_id, p.kind DESC, p.ordinal`,
      [caseIds, kinds],
    );
  }

  /** Keyset page (newest first: ids are UUIDv7) of the cases in scope. */
  async listInScope(scope: ScopeSql, opts: { limit: number; before?: string; stage?: string }): Promise<CaseRow[]> {
    const p = new SqlParams();
    const s = scope(p);
    const filters = [s.where];
    if (opts.before) filters.push(`c.id < ${p.add(opts.before)}::uuid`);
    if (opts.stage) filters.push(`c.stage = ${p.add(opts.stage)}`);
    return this.read<CaseRow>(
      `SELECT c.id, c.case_number, c.stage, c.stage_changed_at, c.identification_outcome, c.channel, c.received_at, c.province_code, c.commune_code, c.owner_agency_id,
              c.assigned_user_id, c.exploitation_forms, c.destination_country, c.created_at, c.updated_at, c.version,
              ${s.reasons} AS reasons, ${s.referralFields} AS referral_fields, NULL::integer AS key_version, NULL::bytea AS key_wrapped
         FROM cases c
        WHERE ${filters.join(' AND ')}
        ORDER BY c.id DESC
        LIMIT ${p.add(opts.limit)}`,
      p.values,
    );
  }

  /**
   * Gives a case opened in `tx` its number (province-year-serial, gapless) in ONE statement. The counter row
   * is locked until commit and every reception in the province waits for it: call this as late as possible
   * in the transaction (just before the audit append), never before the other inserts.
   */
  async assignCaseNumber(tx: EntityManager, caseId: string, provinceCode: string, year: number): Promise<string> {
    const p = new SqlParams();
    const counter = counterCte(p, provinceCode, year);
    const rows: Array<{ case_number: string }> = await tx.query(
      // A SELECT at the top: TypeORM answers a top-level UPDATE … RETURNING with [rows, count].
      `WITH counter AS (${counter.sql}),
            numbered AS (UPDATE cases SET case_number = ${counter.number} FROM counter WHERE cases.id = ${p.add(caseId)}::uuid RETURNING cases.case_number)
       SELECT case_number FROM numbered`,
      p.values,
    );
    return rows[0].case_number;
  }

  /** Inserts several rows of one table in one statement. */
  async insertRows(tx: EntityManager, table: 'cases' | 'persons' | 'case_transitions', rows: Array<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    const p = new SqlParams();
    await tx.query(insertRowsSql(p, table, rows), p.values);
  }

  async insertKeys(tx: EntityManager, keys: StoredKey[]): Promise<void> {
    const p = new SqlParams();
    await tx.query(insertKeysSql(p, keys), p.values);
  }

  async insertRow(tx: EntityManager, table: 'cases' | 'persons' | 'case_transitions', row: Record<string, unknown>): Promise<void> {
    await this.insertRows(tx, table, [row]);
  }

  async insertBlindIndexes(tx: EntityManager, rows: BlindIndexRow[]): Promise<void> {
    if (rows.length === 0) return;
    const p = new SqlParams();
    await tx.query(insertBlindIndexesSql(p, rows), p.values);
  }

  /**
   * A new case in ONE statement: its data keys, the case row, its persons and their blind indexes, as
   * data-modifying CTEs (one round trip instead of four: on loopback each costs ≈ 0.2 ms of CPU on both
   * sides, bench/README.md, session 7). Foreign keys are checked at the end of the statement, when every row
   * exists. The case gets a placeholder number: assignCaseNumber later in the transaction.
   */
  async insertCase(tx: EntityManager, parts: NewCaseParts): Promise<void> {
    const p = new SqlParams();
    // Data-modifying CTEs run to completion even when nothing selects from them.
    await tx.query(`WITH ${newCaseCtes(p, parts)} SELECT 1`, p.values);
  }

  /**
   * A reception in ONE statement: insertCase's rows, the case's number (the province-year counter, see
   * assignCaseNumber), its staged audit events (src/audit/README.md "Staged events"), and the new case with
   * its persons read back through the actor's scope predicate, as findWithPersons returns it — selected from
   * the rows the statement inserted (its RETURNING), since a statement does not see its own CTEs' writes in
   * the tables. Without `tx` the statement is its own transaction (autocommit): the counter row is locked
   * only while PostgreSQL runs and commits it. In `tx`, it stays locked to the commit: only COMMIT may follow.
   */
  async insertNumberedCase(
    tx: EntityManager | undefined,
    parts: NewCaseParts,
    numbering: { provinceCode: string; year: number },
    scope: ScopeSql,
    kinds: Array<PersonRow['kind']>,
    audit: StagedEvents,
  ): Promise<CaseWithPersons> {
    const p = new SqlParams();
    const counter = counterCte(p, numbering.provinceCode, numbering.year);
    const staged = STAGED_INSERT_SQL(p.add(audit.json));
    const { case_number: _placeholder, ...caseRow } = parts.caseRow; // the number comes from the counter instead
    const inserts = newCaseCtes(p, { ...parts, caseRow }, { returning: true, caseExpressions: { case_number: `(SELECT ${counter.number} FROM counter)` } });
    const s = scope(p);
    const select = caseWithPersonsSql(s, p.add(parts.caseRow.id), kinds, { cases: 'new_case', persons: 'new_persons', keys: 'new_keys' });
    const sql = `WITH counter AS (${counter.sql}),\nstaged_audit AS (${staged}),\n${inserts}\n${select}`;
    const rows: Array<Record<string, unknown>> = tx ? await tx.query(sql, p.values) : await this.statement(sql, p.values);
    const found = caseWithPersonsOf(rows);
    // The actor opened it, so their scope holds; anything else is a bug in the scope rules, not a 404.
    if (!found) throw new Error('a new case is outside its creator\'s scope');
    return found;
  }

  async replaceBlindIndexes(tx: EntityManager, personId: string, caseId: string, rows: Array<{ kind: string; value: number }>): Promise<void> {
    await tx.query('DELETE FROM person_blind_indexes WHERE person_id = $1', [personId]);
    await this.insertBlindIndexes(tx, rows.map((r) => ({ ...r, personId, caseId })));
  }

  /** Optimistic update: applies only if the version still matches; returns the new version or null. */
  async updateCase(tx: EntityManager, id: string, expectedVersion: number, columns: Record<string, unknown>): Promise<number | null> {
    const p = new SqlParams();
    const sets = Object.entries(columns).map(([col, v]) => `${col} = ${p.add(v)}`);
    sets.push('version = version + 1', 'updated_at = now()');
    const rows: Array<{ version: number }> = await tx.query(
      `UPDATE cases SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND version = ${p.add(expectedVersion)} RETURNING version`,
      p.values,
    );
    // TypeORM returns [rows, count] for UPDATE … RETURNING on postgres
    const list = Array.isArray(rows[0]) ? (rows[0] as unknown as Array<{ version: number }>) : rows;
    return list[0]?.version ?? null;
  }

  async updatePerson(tx: EntityManager, id: string, columns: Record<string, unknown>): Promise<void> {
    if (Object.keys(columns).length === 0) return;
    const p = new SqlParams();
    const sets = Object.entries(columns).map(([col, v]) => `${col} = ${p.add(v)}`);
    await tx.query(`UPDATE persons SET ${sets.join(', ')}, updated_at = now() WHERE id = ${p.add(id)}`, p.values);
  }

  async agencyType(agencyId: string): Promise<string | null> {
    const rows: Array<{ type: string }> = await this.db.query('SELECT type FROM agencies WHERE id = $1', [agencyId]);
    return rows[0]?.type ?? null;
  }

  async isAssignableUser(userId: string, agencyId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM users WHERE id = $1 AND agency_id = $2 AND active AND role IN ('CASEWORKER', 'SUPERVISOR')`,
      [userId, agencyId],
    );
    return rows.length > 0;
  }
}

type StoredKey = WrappedKey & { ownerType: 'case' | 'person' | 'handover' | 'handover_person' };
type BlindIndexRow = { personId: string; caseId: string; kind: string; value: number };

/**
 * Rows may carry different columns (sealing skips absent values): a column a row lacks gets its DEFAULT.
 * `expressions`: columns whose value is SQL of this module's own (never input), the same in every row.
 */
function insertRowsSql(p: SqlParams, table: 'cases' | 'persons' | 'case_transitions', rows: Array<Record<string, unknown>>, expressions: Record<string, string> = {}): string {
  const cols = [...new Set([...rows.flatMap((row) => Object.keys(row)), ...Object.keys(expressions)])];
  const tuples = rows.map((row) => `(${cols.map((c) => expressions[c] ?? (c in row ? p.add(row[c]) : 'DEFAULT')).join(', ')})`);
  return `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${tuples.join(', ')}`;
}

function insertKeysSql(p: SqlParams, keys: StoredKey[]): string {
  const values = keys.map((k) => `(${p.add(k.ownerId)}, ${p.add(k.ownerType)}, ${p.add(k.kekVersion)}, ${p.add(k.wrapped)})`);
  return `INSERT INTO data_keys (owner_id, owner_type, kek_version, wrapped) VALUES ${values.join(', ')}`;
}

function insertBlindIndexesSql(p: SqlParams, rows: BlindIndexRow[]): string {
  const values = rows.map((r) => `(${p.add(r.personId)}, ${p.add(r.caseId)}, ${p.add(r.kind)}, ${p.add(r.value)})`);
  return `INSERT INTO person_blind_indexes (person_id, case_id, kind, value) VALUES ${values.join(', ')}`;
}

/**
 * The `counter` CTE: the province-year counter moves by one (its row stays locked until commit); `number` is
 * the case number it gives, `province-year-serial` (gapless, at least 6 digits), over `counter`.
 */
function counterCte(p: SqlParams, provinceCode: string, year: number): { sql: string; number: string } {
  const province = p.add(provinceCode);
  const y = p.add(year);
  return {
    sql: `INSERT INTO case_counters (province_code, year, last_value) VALUES (${province}, ${y}, 1)
         ON CONFLICT (province_code, year) DO UPDATE SET last_value = case_counters.last_value + 1
         RETURNING last_value`,
    number: `${province} || '-' || ${y} || '-' || lpad(counter.last_value::text, GREATEST(6, length(counter.last_value::text)), '0')`,
  };
}

/** The rows of a new case, ready to insert (ciphertexts sealed, blind indexes computed). */
export interface NewCaseParts {
  keys: StoredKey[];
  caseRow: Record<string, unknown> & { id: string };
  persons: Array<Record<string, unknown>>;
  indexes: BlindIndexRow[];
}

/**
 * The INSERTs of a new case as CTEs `new_keys`, `new_case`, `new_persons`, `new_indexes`. With `returning`, the
 * first three return their rows, for a read-back in the same statement (caseWithPersonsSql over them).
 */
function newCaseCtes(p: SqlParams, parts: NewCaseParts, opts: { returning?: boolean; caseExpressions?: Record<string, string> } = {}): string {
  const ctes = [
    ['new_keys', insertKeysSql(p, parts.keys), 'owner_id, kek_version, wrapped'],
    ['new_case', insertRowsSql(p, 'cases', [parts.caseRow], opts.caseExpressions), '*'],
  ];
  if (parts.persons.length) ctes.push(['new_persons', insertRowsSql(p, 'persons', parts.persons), '*']);
  if (parts.indexes.length) ctes.push(['new_indexes', insertBlindIndexesSql(p, parts.indexes), '']);
  return ctes.map(([name, sql, returning]) => `${name} AS (${sql}${opts.returning && returning ? ` RETURNING ${returning}` : ''})`).join(',\n');
}

/** Where a case read takes its rows from: the tables, or the CTEs of a statement that just inserted them. */
interface CaseSources {
  cases: string;
  persons: string;
  keys: string;
}
const STORED: CaseSources = { cases: 'cases', persons: 'persons', keys: 'data_keys' };

export interface CaseWithPersons {
  row: CaseRow;
  persons: PersonRow[];
}

/** The SELECT of findWithPersons over `from` (one row per person of `kinds`, or one row without a person). */
function caseWithPersonsSql(s: ReturnType<ScopeSql>, idParam: string, kinds: Array<PersonRow['kind']>, from: CaseSources): string {
  // The kinds are spelled out as constants, not an array parameter: with `kind = ANY($n)` PostgreSQL
  // judged the prepared statement's generic plan worse and re-planned it on every execution (≈ 0.3 ms of
  // server CPU per read at 1M cases; measured in bench/README.md). They come from a closed set.
  const kindList = kinds.length ? kinds.map((k) => `'${PERSON_KIND_SQL[k]}'`).join(', ') : null;
  return `SELECT ${CASE_READ_COLUMNS}, ${s.reasons} AS reasons, ${s.referralFields} AS referral_fields,
              k.kek_version AS key_version, k.wrapped AS key_wrapped, ps.*
         FROM ${from.cases} c
         LEFT JOIN ${from.keys} k ON k.owner_id = c.id
         LEFT JOIN LATERAL (
              SELECT ${PERSON_SELECT}, pk.kek_version AS ${PERSON_PREFIX}key_version, pk.wrapped AS ${PERSON_PREFIX}key_wrapped
                FROM ${from.persons} p JOIN ${from.keys} pk ON pk.owner_id = p.id
               WHERE p.case_id = c.id AND ${kindList ? `p.kind IN (${kindList})` : 'FALSE'}
               ORDER BY p.kind DESC, p.ordinal) ps ON TRUE
        WHERE c.id = ${idParam} AND ${s.where}`;
}

/** Splits caseWithPersonsSql's rows into the case and its persons. */
function caseWithPersonsOf(rows: Array<Record<string, unknown>>): CaseWithPersons | null {
  if (rows.length === 0) return null;
  const persons: PersonRow[] = [];
  for (const r of rows) {
    if (r[`${PERSON_PREFIX}kind`] == null) continue;
    const person: Record<string, unknown> = { id: r[`${PERSON_PREFIX}id`], key_version: r[`${PERSON_PREFIX}key_version`], key_wrapped: r[`${PERSON_PREFIX}key_wrapped`] };
    for (const c of PERSON_READ_COLUMNS) person[c] = r[`${PERSON_PREFIX}${c}`];
    persons.push(person as PersonRow);
  }
  return { row: rows[0] as CaseRow, persons };
}
