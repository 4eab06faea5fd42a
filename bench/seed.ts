import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { CASE_FIELDS, PERSON_FIELDS, PersonField } from '../src/access/field-registry';
import { FieldProtection } from '../src/access/field-protection.service';
import { appendToChain, chainConnection, PendingEvent } from '../src/audit/append-protocol';
import { toPending } from '../src/audit/validate';
import { ageAt, ageBand } from '../src/cases/age';
import { CASE_TABLE, PERSON_TABLE } from '../src/cases/case-view';
import type { CreateCaseDto } from '../src/cases/dto/create-case.dto';
import type { AppConfig } from '../src/config/app-config';
import type { Keyring } from '../src/crypto';
import { openIdentityServices } from '../src/users/identity-services';
import { reception, rng } from './people';

/**
 * Seeds a benchmark database THROUGH THE REAL ENCRYPTION PATH: every person gets a fresh data key wrapped by
 * the KEK (Keyring), every PERSONAL/SENSITIVE value is sealed by the application's FieldProtection (AES-256-GCM,
 * AAD = table/column/row id), blind indexes come from the same FieldProtection.personIndexes, and the audit
 * history is appended through the one append protocol (HMAC chain). Only the SQL differs from
 * CasesService.openCase: batched multi-row INSERTs (`unnest` of arrays, one statement per table per batch)
 * inside one transaction per batch, so 100k cases take well under a minute and 1M stay feasible.
 * Agencies and users are created through the app's own AgenciesService / UsersService (permanent passwords).
 */

export const BENCH_PASSWORD = 'bench-password-2026-long';
/** 20 social-affairs agencies, two in each of 10 provinces: the bench caseworker's agency (index 0) owns 1/20. */
export const AGENCY_PROVINCES = ['20', '20', '04', '04', '15', '15', '11', '11', '12', '12', '14', '14', '08', '08', '22', '22', '40', '40', '01', '01'];
export const SUMMARY_PROVINCE = '20';
const SPAN_DAYS = 3 * 365;
const DAY = 86_400_000;

export interface BenchUser {
  username: string;
  password: string;
  userId: string;
  agencyId: string;
}

export interface SeedManifest {
  cases: number;
  startMs: number;
  endMs: number;
  agencies: Array<{ id: string; provinceCode: string }>;
  caseworker: BenchUser;
  statistician: BenchUser;
  /** Owner of the baseline's raw inserts: an agency outside every bench user's scope, emptied after the create scenario. */
  baselineWriter: BenchUser;
  seconds: number;
}

/** When case i was received: spread evenly over the last three years (ids are UUIDv7 of that instant). */
export function receivedAtOf(i: number, m: Pick<SeedManifest, 'cases' | 'startMs' | 'endMs'>): Date {
  const step = (m.endMs - m.startMs) / Math.max(1, m.cases);
  return new Date(Math.floor(m.startMs + (i + rng(i + 1)()) * step));
}

export const agencyIndexOf = (i: number) => i % AGENCY_PROVINCES.length;

/** The reception the seed wrote for case i (deterministic). */
export function seededReception(i: number, m: Pick<SeedManifest, 'cases' | 'startMs' | 'endMs'>): CreateCaseDto {
  return reception(i, { provinceCode: AGENCY_PROVINCES[agencyIndexOf(i)], receivedAt: receivedAtOf(i, m) });
}

/** Plain values of a person keyed by registry field (the same selection as CasesService.personValues). */
function personValues(p: Record<string, unknown>): Partial<Record<PersonField, string | number | null>> {
  const { fullName, dateOfBirth, birthYear, idNumber, phone, address, ethnicity, narrative } = p as Record<string, string | number | undefined>;
  return { fullName, dateOfBirth, birthYear, idNumber, phone, address, ethnicity, narrative };
}

/** Field paths a create body writes (as CasesService.writtenPaths does for the audit event). */
function writtenPaths(dto: CreateCaseDto): string[] {
  const paths: string[] = [];
  for (const [k, v] of Object.entries(dto)) {
    if (v === undefined) continue;
    if (k === 'victim' || k === 'accompanyingMinors') {
      const people = (Array.isArray(v) ? v : [v]) as object[];
      if (people.length === 0) continue;
      const keys = new Set(people.flatMap((p) => Object.keys(p)));
      paths.push(...[...keys].map((f) => `${k}.${f}`));
    } else paths.push(k);
  }
  return paths.sort();
}

const READ_PATHS = [
  ...Object.keys(CASE_FIELDS),
  ...['victim', 'accompanyingMinors', 'relatives'].flatMap((c) => Object.keys(PERSON_FIELDS).map((f) => `${c}.${f}`)),
].sort();

type Col = [name: string, type: string, select?: string];
/** One INSERT … SELECT FROM unnest($1::t1[], $2::t2[], …) per table: a whole batch in one statement. */
async function insertUnnest(client: Client, table: string, cols: Col[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const columns = cols.map(() => [] as unknown[]);
  for (const r of rows) r.forEach((v, c) => columns[c].push(v));
  const alias = cols.map(([n]) => `u_${n}`);
  await client.query(
    `INSERT INTO ${table} (${cols.map(([n]) => n).join(', ')})
     SELECT ${cols.map(([, , sel], i) => (sel ? sel.replace('$', alias[i]) : alias[i])).join(', ')}
       FROM unnest(${cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${alias.join(', ')})`,
    columns,
  );
}

const KEY_COLS: Col[] = [['owner_id', 'uuid'], ['owner_type', 'text'], ['kek_version', 'int'], ['wrapped', 'bytea']];
const CASE_COLS: Col[] = [
  ['id', 'uuid'], ['case_number', 'text'], ['owner_agency_id', 'uuid'], ['province_code', 'text'], ['commune_code', 'text'], ['channel', 'text'],
  ['received_at', 'timestamptz'], ['stage', 'text'], ['stage_changed_at', 'timestamptz'], ['identification_outcome', 'text'], ['assigned_user_id', 'uuid'],
  ['exploitation_forms', 'text', `string_to_array($, ',')`], ['destination_country', 'text'], ['summary_enc', 'bytea'], ['created_by', 'uuid'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];
const PERSON_ENC = ['fullName', 'dateOfBirth', 'birthYear', 'idNumber', 'phone', 'address', 'ethnicity', 'narrative'] as const;
const PERSON_COLS: Col[] = [
  ['id', 'uuid'], ['case_id', 'uuid'], ['kind', 'text'], ['ordinal', 'int'], ['relation', 'text'], ['sex', 'text'], ['nationality', 'text'],
  ['location', 'text'], ['age_band', 'text'], ...PERSON_ENC.map((f): Col => [PERSON_FIELDS[f].column, 'bytea']), ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];
const INDEX_COLS: Col[] = [['person_id', 'uuid'], ['case_id', 'uuid'], ['kind', 'text'], ['value', 'int']];
const SUPPORT_COLS: Col[] = [
  ['id', 'uuid'], ['case_id', 'uuid'], ['person_id', 'uuid'], ['type', 'text'], ['status', 'text'], ['provider_agency_id', 'uuid'],
  ['start_date', 'date'], ['end_date', 'date'], ['created_by', 'uuid'],
];
const SUPPORT_TYPES = ['ESSENTIAL_NEEDS', 'MEDICAL', 'PSYCHOLOGICAL', 'LEGAL_AID', 'TRAVEL_COSTS', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'INTERPRETATION'];

/** Where a case of this age usually is in the stage machine (so stage filters and statistics see a realistic mix). */
function stageFor(ageDays: number, r: () => number): { stage: string; outcome: string | null; changedAfterDays: number } {
  if (ageDays < 3) return { stage: 'RECEIVED', outcome: null, changedAfterDays: 0 };
  if (ageDays < 25) return { stage: r() < 0.6 ? 'INITIAL_VERIFICATION' : 'IN_IDENTIFICATION', outcome: null, changedAfterDays: 1 };
  if (ageDays < 150) {
    const x = r();
    if (x < 0.08) return { stage: 'NOT_VICTIM', outcome: 'NOT_VICTIM', changedAfterDays: 18 };
    return { stage: x < 0.5 ? 'SUPPORT' : 'IDENTIFIED_VICTIM', outcome: x < 0.3 ? null : 'IDENTIFIED_VICTIM', changedAfterDays: 20 };
  }
  const x = r();
  if (x < 0.08) return { stage: 'CLOSED', outcome: 'NOT_VICTIM', changedAfterDays: 60 };
  if (x < 0.55) return { stage: 'CLOSED', outcome: 'IDENTIFIED_VICTIM', changedAfterDays: 140 };
  if (x < 0.7) return { stage: 'CLOSED_REFERRED', outcome: 'IDENTIFIED_VICTIM', changedAfterDays: 90 };
  return { stage: 'REINTEGRATION', outcome: 'IDENTIFIED_VICTIM', changedAfterDays: 120 };
}

interface Batch {
  keys: unknown[][];
  cases: unknown[][];
  persons: unknown[][];
  indexes: unknown[][];
  support: unknown[][];
  referrals: unknown[][];
  events: PendingEvent[];
}

/** Consented referrals to legal aid: what a legal-aid centre typically receives (within the registry's cap). */
const REFERRAL_SHARED = ['caseNumber', 'stage', 'victim.id', 'victim.fullName', 'victim.sex', 'victim.ageBand', 'victim.phone', 'supportServices.type', 'supportServices.status'];
const REFERRAL_COLS: Col[] = [
  ['id', 'uuid'], ['case_id', 'uuid'], ['from_agency_id', 'uuid'], ['to_agency_id', 'uuid'], ['purpose', 'text'], ['shared_fields', 'text', `string_to_array($, ',')`],
  ['consent_given_by', 'text'], ['consent_recorded_on', 'date'], ['status', 'text'], ['created_by', 'uuid'], ['created_at', 'timestamptz'],
];

export async function seedDatabase(
  databaseUrl: string,
  config: AppConfig,
  keyring: Keyring,
  opts: { cases: number; batchSize?: number; now?: Date },
  progress: (done: number) => void,
): Promise<SeedManifest> {
  const started = Date.now();
  const endMs = (opts.now ?? new Date()).getTime() - 3_600_000;
  const manifest: Omit<SeedManifest, 'agencies' | 'caseworker' | 'statistician' | 'baselineWriter' | 'seconds'> = { cases: opts.cases, startMs: endMs - SPAN_DAYS * DAY, endMs };

  // Agencies and users through the application's own services (the users' passwords are permanent, as via the CLI).
  const identity = await openIdentityServices(databaseUrl, config, keyring);
  const agencies: Array<{ id: string; provinceCode: string }> = [];
  const caseworkers: Array<{ userId: string; agencyId: string; provinceCode: string }> = [];
  let statistician: BenchUser;
  let baselineWriter: BenchUser;
  const legalAidByProvince = new Map<string, string>();
  try {
    for (let a = 0; a < AGENCY_PROVINCES.length; a++) {
      const provinceCode = AGENCY_PROVINCES[a];
      const agency = await identity.agencies.create(null, { name: `Phòng Bảo trợ xã hội số ${a + 1} (tỉnh ${provinceCode})`, type: 'SOCIAL_AFFAIRS', provinceCode });
      agencies.push({ id: agency.id, provinceCode });
      const user = await identity.users.create(null, { username: `bench.cw${String(a).padStart(2, '0')}`, role: 'CASEWORKER', agencyId: agency.id, password: BENCH_PASSWORD }, { permanent: true });
      caseworkers.push({ userId: user.id, agencyId: agency.id, provinceCode });
    }
    const committee = await identity.agencies.create(null, { name: 'Ban Chỉ đạo phòng, chống tội phạm tỉnh Lạng Sơn (bench)', type: 'STEERING_COMMITTEE', provinceCode: SUMMARY_PROVINCE });
    const stat = await identity.users.create(null, { username: 'bench.statistician', role: 'STATISTICIAN', agencyId: committee.id, password: BENCH_PASSWORD }, { permanent: true });
    statistician = { username: 'bench.statistician', password: BENCH_PASSWORD, userId: stat.id, agencyId: committee.id };
    for (const provinceCode of new Set(AGENCY_PROVINCES)) {
      const legalAid = await identity.agencies.create(null, { name: `Trung tâm Trợ giúp pháp lý nhà nước (tỉnh ${provinceCode})`, type: 'LEGAL_AID', provinceCode });
      legalAidByProvince.set(provinceCode, legalAid.id);
    }
    const rawAgency = await identity.agencies.create(null, { name: 'Baseline raw inserts (bench only)', type: 'SOCIAL_AFFAIRS', provinceCode: '96' });
    const rawUser = await identity.users.create(null, { username: 'bench.baseline', role: 'CASEWORKER', agencyId: rawAgency.id, password: BENCH_PASSWORD }, { permanent: true });
    baselineWriter = { username: 'bench.baseline', password: BENCH_PASSWORD, userId: rawUser.id, agencyId: rawAgency.id };
  } finally {
    await identity.close();
  }

  const protection = new FieldProtection(keyring, config);
  const counters = new Map<string, number>();

  const build = (from: number, to: number): Batch => {
    const b: Batch = { keys: [], cases: [], persons: [], indexes: [], support: [], referrals: [], events: [] };
    for (let i = from; i < to; i++) {
      const r = rng(i * 31 + 5);
      const cw = caseworkers[agencyIndexOf(i)];
      const receivedAt = receivedAtOf(i, manifest);
      const msecs = receivedAt.getTime();
      const dto = reception(i, { provinceCode: cw.provinceCode, receivedAt });
      const caseId = uuidv7({ msecs });
      const year = receivedAt.getUTCFullYear();
      const counterKey = `${dto.provinceCode}|${year}`;
      const n = (counters.get(counterKey) ?? 0) + 1;
      counters.set(counterKey, n);
      const caseNumber = `${dto.provinceCode}-${year}-${String(n).padStart(6, '0')}`;
      const { stage, outcome, changedAfterDays } = stageFor((endMs - msecs) / DAY, r);
      const caseKey = protection.newKey(caseId);
      b.keys.push([caseId, 'case', caseKey.stored.kekVersion, caseKey.stored.wrapped]);
      const sealedCase = protection.seal(CASE_TABLE, CASE_FIELDS, caseId, caseKey.dataKey, { summary: dto.summary });
      b.cases.push([
        caseId, caseNumber, cw.agencyId, dto.provinceCode, dto.communeCode ?? null, dto.channel, receivedAt, stage,
        new Date(Math.min(endMs, msecs + changedAfterDays * DAY)), outcome, cw.userId, (dto.exploitationForms ?? []).join(','),
        dto.destinationCountry ?? null, sealedCase.summary_enc ?? null, cw.userId, receivedAt, receivedAt,
      ]);
      const people = [
        { kind: 'VICTIM', ordinal: 0, input: dto.victim as unknown as Record<string, unknown> },
        ...(dto.accompanyingMinors ?? []).map((m, k) => ({ kind: 'ACCOMPANYING_MINOR', ordinal: k + 1, input: m as unknown as Record<string, unknown> })),
      ];
      let victimId = '';
      for (const p of people) {
        const personId = uuidv7({ msecs });
        if (p.kind === 'VICTIM') victimId = personId;
        const key = protection.newKey(personId);
        b.keys.push([personId, 'person', key.stored.kekVersion, key.stored.wrapped]);
        const sealed = protection.seal(PERSON_TABLE, PERSON_FIELDS, personId, key.dataKey, personValues(p.input));
        const band = ageBand(ageAt(receivedAt, p.input.dateOfBirth as string | undefined, p.input.birthYear as number | undefined));
        b.persons.push([
          personId, caseId, p.kind, p.ordinal, (p.input.relation as string | undefined) ?? null, p.input.sex, p.input.nationality, (p.input.location as string | undefined) ?? null,
          band, ...PERSON_ENC.map((f) => sealed[PERSON_FIELDS[f].column] ?? null), receivedAt, receivedAt,
        ]);
        for (const ix of protection.personIndexes(p.input as Parameters<FieldProtection['personIndexes']>[0])) b.indexes.push([personId, caseId, ix.kind, ix.value]);
      }
      if (stage !== 'RECEIVED' && stage !== 'NOT_VICTIM' && r() < 0.6) {
        const kinds = new Set([SUPPORT_TYPES[Math.floor(r() * 3)], SUPPORT_TYPES[Math.floor(r() * SUPPORT_TYPES.length)]]);
        const start = receivedAt.toISOString().slice(0, 10);
        for (const type of kinds) b.support.push([uuidv7({ msecs }), caseId, victimId, type, 'DELIVERED', cw.agencyId, start, start, cw.userId]);
      }
      const actor = { userId: cw.userId, agencyId: cw.agencyId, role: 'CASEWORKER', requestId: `seed-${i}` };
      b.events.push(...toPending(actor, [{ action: 'case.create', resourceType: 'case', resourceId: caseId, fields: writtenPaths(dto), purpose: 'CASE_MANAGEMENT' }]));
      // One in seven cases past reception was referred to legal aid with the victim's consent (some withdrawn since).
      if (stage !== 'RECEIVED' && stage !== 'NOT_VICTIM' && r() < 0.15) {
        const on = new Date(Math.min(endMs, msecs + 2 * DAY));
        b.referrals.push([uuidv7({ msecs: on.getTime() }), caseId, cw.agencyId, legalAidByProvince.get(cw.provinceCode), 'LEGAL_AID', REFERRAL_SHARED.join(','), 'VICTIM', on.toISOString().slice(0, 10), r() < 0.85 ? 'ACTIVE' : 'CONSENT_WITHDRAWN', cw.userId, on]);
        b.events.push(...toPending(actor, [{ action: 'referral.create', resourceType: 'case', resourceId: caseId, fields: ['referrals.sharedFields', 'referrals.toAgencyId', 'referrals.purpose'], purpose: 'REFERRAL' }]));
      }
      if (r() < 0.5) b.events.push(...toPending(actor, [{ action: 'case.read', resourceType: 'case', resourceId: caseId, fields: READ_PATHS, purpose: 'CASE_MANAGEMENT' }]));
    }
    return b;
  };

  const write = async (client: Client, b: Batch) => {
    await client.query('BEGIN');
    try {
      // Seeding only: the bench measures the app afterwards; the app's own commits stay synchronous.
      await client.query('SET LOCAL synchronous_commit = off');
      await insertUnnest(client, 'data_keys', KEY_COLS, b.keys);
      await insertUnnest(client, 'cases', CASE_COLS, b.cases);
      await insertUnnest(client, 'persons', PERSON_COLS, b.persons);
      await insertUnnest(client, 'person_blind_indexes', INDEX_COLS, b.indexes);
      await insertUnnest(client, 'support_services', SUPPORT_COLS, b.support);
      await insertUnnest(client, 'referrals', REFERRAL_COLS, b.referrals);
      // Last, as the app does: the chain lock is held only until the commit right after.
      await appendToChain(chainConnection(client), keyring.auditKey, b.events);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  };

  const batchSize = opts.batchSize ?? 1000;
  let next = 0;
  let done = 0;
  // Two pipelines: while PostgreSQL writes one batch, this process encrypts the next.
  const worker = async () => {
    const client = new Client({ connectionString: databaseUrl, application_name: 'vcm-bench-seed' });
    await client.connect();
    try {
      while (next < opts.cases) {
        const from = next;
        const to = Math.min(opts.cases, from + batchSize);
        next = to;
        await write(client, build(from, to));
        done += to - from;
        progress(done);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all([worker(), worker()]);

  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const rows = [...counters.entries()].map(([k, n]) => [...k.split('|'), n]);
    if (rows.length) {
      await admin.query(
        `INSERT INTO case_counters (province_code, year, last_value)
         SELECT p, y, n FROM unnest($1::text[], $2::int[], $3::int[]) AS u(p, y, n)
         ON CONFLICT (province_code, year) DO UPDATE SET last_value = GREATEST(case_counters.last_value, EXCLUDED.last_value)`,
        [rows.map((r) => r[0]), rows.map((r) => Number(r[1])), rows.map((r) => r[2])],
      );
    }
    // A long-running database has statistics and a visibility map; give the fresh one the same.
    await admin.query('VACUUM (ANALYZE)');
    await admin.query('CHECKPOINT');
  } finally {
    await admin.end();
  }

  return {
    ...manifest,
    agencies,
    caseworker: { username: 'bench.cw00', password: BENCH_PASSWORD, userId: caseworkers[0].userId, agencyId: caseworkers[0].agencyId },
    statistician: statistician!,
    baselineWriter: baselineWriter!,
    seconds: (Date.now() - started) / 1000,
  };
}
