import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomInt } from 'node:crypto';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { MAX_BODY_BYTES } from '../src/common/json-body';

/**
 * THE BASELINE: what each scenario would cost through the same HTTP stack (NestJS 11 on Fastify, JSON body
 * parser, a pg pool of the app's size) with raw SQL and nothing else — no token check, no scope predicate,
 * no decryption, no audit. It is the "same rows by raw SQL" each app scenario is divided by.
 *
 * It exists only in the bench harness and runs as its own process (like the app), so neither competes with
 * the load generator's event loop. It is never mounted in the product.
 *
 * env: DATABASE_URL, PORT, BENCH_LIST_AGENCY_ID, BENCH_WRITE_AGENCY_ID, BENCH_WRITE_USER_ID, DB_POOL_SIZE.
 */
// The app's pool settings (size, idle timeout) so neither side pays for new backends the other does not.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 20), idleTimeoutMillis: Number(process.env.DB_POOL_IDLE_MS ?? 300_000), application_name: 'vcm-bench-baseline' });
/** The agency whose page the list reads (the bench caseworker's). */
const LIST_AGENCY = process.env.BENCH_LIST_AGENCY_ID ?? '';
/** Owner/creator of raw inserts: an agency outside every bench user's scope (its rows hold random bytes, not ciphertexts). */
const WRITE_AGENCY = process.env.BENCH_WRITE_AGENCY_ID ?? '';
const WRITE_USER = process.env.BENCH_WRITE_USER_ID ?? '';

/** Raw rows as JSON: ciphertexts (bytea) as base64 — the bytes leave as they are stored. */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
  return out;
}

@Controller('baseline')
class BaselineController {
  /** vs GET /api/v1/cases/:id — the case row and its persons by primary key / foreign key. */
  @Get('case/:id')
  async read(@Param('id') id: string) {
    const [c] = (await pool.query('SELECT * FROM cases WHERE id = $1', [id])).rows;
    const persons = (await pool.query('SELECT * FROM persons WHERE case_id = $1 ORDER BY kind DESC, ordinal', [id])).rows;
    return { ...plain(c ?? {}), persons: persons.map(plain) };
  }

  /** vs GET /api/v1/cases?limit=50 — the agency's newest page and the victims of that page. */
  @Get('cases')
  async page(@Query('limit') limit = '50') {
    const cases = (await pool.query('SELECT * FROM cases WHERE owner_agency_id = $1 ORDER BY id DESC LIMIT $2', [LIST_AGENCY, Number(limit) + 1])).rows;
    const ids = cases.map((c: { id: string }) => c.id);
    const victims = (await pool.query(`SELECT * FROM persons WHERE case_id = ANY($1::uuid[]) AND kind = 'VICTIM'`, [ids])).rows;
    const byCase = new Map(victims.map((v: { case_id: string }) => [v.case_id, plain(v)]));
    return { items: cases.slice(0, Number(limit)).map((c: { id: string }) => ({ ...plain(c), victim: byCase.get(c.id) ?? null })), nextCursor: null };
  }

  /**
   * vs POST /api/v1/cases with one accompanying minor — the same rows, as the app writes them since session 12:
   * ONE autocommit statement (data-modifying CTEs) with 3 data keys, the case number counter, the case, 2 persons
   * and 8 blind indexes. (Until session 11 this was BEGIN, a statement per table, COMMIT — the counter held across
   * those round trips; the app's one statement then beat it, so the baseline would no longer be the raw limit.)
   * Random bytes stand in for ciphertexts; no audit event.
   */
  @Post('cases')
  async create(@Body() body: { provinceCode?: string; channel?: string; receivedAt?: string }) {
    const caseId = uuidv7();
    const persons = [uuidv7(), uuidv7()];
    const year = new Date().getUTCFullYear();
    const province = body.provinceCode ?? '20';
    const v: unknown[] = [];
    const $ = (value: unknown) => `$${v.push(value)}`;
    const keys = [caseId, ...persons].map((id, k) => `(${$(id)}, '${k === 0 ? 'case' : 'person'}', 1, ${$(randomBytes(61))})`).join(', ');
    const [c, prov, y] = [$(caseId), $(province), $(year)];
    const people = persons
      .map((personId, k) =>
        `(${$(personId)}, ${c}, '${k === 0 ? 'VICTIM' : 'ACCOMPANYING_MINOR'}', ${k}, ${k === 0 ? 'NULL' : "'CHILD'"}, 'FEMALE', 'VN', 'IN_VIETNAM', '18-24', ` +
        [50, 33, 41, 39, 90, 33, 220].map((n) => $(randomBytes(n))).join(', ') + ')',
      )
      .join(', ');
    const indexes = persons.flatMap((personId) => ['name', 'name_birth_year', 'id_number', 'phone'].map((kind) => `(${$(personId)}, ${c}, '${kind}', ${$(randomInt(65536))})`)).join(', ');
    await pool.query(
      `WITH counter AS (
         INSERT INTO case_counters (province_code, year, last_value) VALUES (${prov}, ${y}, 1)
         ON CONFLICT (province_code, year) DO UPDATE SET last_value = case_counters.last_value + 1 RETURNING last_value),
       keys AS (INSERT INTO data_keys (owner_id, owner_type, kek_version, wrapped) VALUES ${keys}),
       new_case AS (
         INSERT INTO cases (id, case_number, owner_agency_id, province_code, channel, received_at, stage, assigned_user_id, exploitation_forms, destination_country, summary_enc, created_by)
         SELECT ${c}, ${prov} || '-' || ${y} || '-B' || lpad(counter.last_value::text, 6, '0'), ${$(WRITE_AGENCY)}, ${prov}, ${$(body.channel ?? 'FOREIGN_HANDOVER')},
                ${$(body.receivedAt ?? new Date())}, 'RECEIVED', ${$(WRITE_USER)}, ${$(['FORCED_MARRIAGE'])}, 'CN', ${$(randomBytes(140))}, ${$(WRITE_USER)} FROM counter),
       new_persons AS (
         INSERT INTO persons (id, case_id, kind, ordinal, relation, sex, nationality, location, age_band, full_name_enc, birth_year_enc, id_number_enc, phone_enc, address_enc, ethnicity_enc, narrative_enc)
         VALUES ${people})
       INSERT INTO person_blind_indexes (person_id, case_id, kind, value) VALUES ${indexes}`,
      v,
    );
    return { id: caseId };
  }

  /** vs POST /api/v1/cases/duplicate-check — the indexed equality lookup alone (values computed by the harness). */
  @Post('duplicate-check')
  @HttpCode(200)
  async duplicateCheck(@Body() body: { pairs: Array<[string, number]> }) {
    const params: unknown[] = [];
    const tuples = body.pairs.map(([kind, value]) => `($${params.push(kind)}, $${params.push(value)}::integer)`);
    const rows = (
      await pool.query(
        `SELECT person_id, case_id, array_agg(kind) AS kinds FROM person_blind_indexes
          WHERE (kind, value) IN (${tuples.join(', ')}) GROUP BY person_id, case_id LIMIT 200`,
        params,
      )
    ).rows;
    return { candidates: rows.length };
  }

  /** vs GET /api/v1/reports/province-summary — the same three aggregates by raw SQL, without suppression or audit. */
  @Get('province-summary')
  async summary(@Query('provinceCode') provinceCode: string, @Query('year') yearText: string, @Query('quarter') quarterText: string) {
    const year = Number(yearText);
    const quarter = Number(quarterText);
    const from = `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01T00:00:00+07:00`;
    const to = quarter === 4 ? `${year + 1}-01-01T00:00:00+07:00` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01T00:00:00+07:00`;
    const params = [provinceCode, from, to];
    const [grouped, forms, support] = [
      (
        await pool.query(
          `SELECT GROUPING(c.channel) AS g1, GROUPING(p.sex) AS g2, GROUPING(p.age_band) AS g3, GROUPING(c.identification_outcome) AS g4,
                  c.channel, p.sex, p.age_band, c.identification_outcome, count(*) AS n
             FROM cases c JOIN persons p ON p.case_id = c.id AND p.kind = 'VICTIM'
            WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3
            GROUP BY GROUPING SETS ((), (c.channel), (p.sex), (p.age_band), (c.identification_outcome))`,
          params,
        )
      ).rows,
      (await pool.query(`SELECT f AS key, count(*) AS n FROM cases c, unnest(c.exploitation_forms) f WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3 GROUP BY f`, params)).rows,
      (
        await pool.query(
          `SELECT s.type AS key, count(DISTINCT s.person_id) AS n FROM support_services s JOIN cases c ON c.id = s.case_id
            WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3 AND s.status = 'DELIVERED' GROUP BY s.type`,
          params,
        )
      ).rows,
    ];
    return { grouped, forms, support };
  }
}

@Module({ controllers: [BaselineController] })
class BaselineModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false }), { logger: ['error'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.stderr.write(`baseline listening on ${process.env.PORT}\n`);
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`baseline failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
