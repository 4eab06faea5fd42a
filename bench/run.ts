import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { AppModule } from '../src/app.module';
import { loadKeysAndMigrate } from '../src/bootstrap/prepare-runtime';
import { loadConfig } from '../src/config/app-config';
import { generateKeyFile } from '../src/crypto';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { ensureDatabase } from '../src/database/migrate';
import { baselineModule } from './baseline';
import { reception, seed } from './seed';

/** `npm run bench -- [--cases N] [--duration S] [--connections C]` — see bench/README.md. */
const args = Object.fromEntries(process.argv.slice(2).map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1]] : [])).filter((x) => x.length));
const CASES = Number(args.cases ?? 100000);
const DURATION = Number(args.duration ?? 10);
const CONNECTIONS = Number(args.connections ?? 50);
const say = (m: string) => process.stderr.write(`${m}\n`);

interface Row {
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  baselineRps?: number;
  ratio?: number;
  budget: string;
  pass?: boolean;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

type Opts = Partial<autocannon.Options> & { url: string };
function load(opts: Opts): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts } as autocannon.Options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
async function measure(opts: Opts) {
  await load({ ...opts, duration: 2 }); // warm-up
  const r = await load(opts);
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors };
}
const rotating = (paths: string[], extra: Partial<autocannon.Request> = {}) => {
  let i = 0;
  return [{ ...extra, setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[i++ % paths.length] }) }];
};

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcm-bench-'));
  chmodSync(dir, 0o755);
  const keyFile = path.join(dir, 'keys.json');
  generateKeyFile(keyFile);
  let databaseUrl = process.env.BENCH_DATABASE_URL;
  let stopDb = async () => undefined as void;
  if (!databaseUrl) {
    const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), settings: { shared_buffers: '512MB', max_connections: '200' } });
    stopDb = cluster.stop;
    databaseUrl = await ensureDatabase(cluster.url, 'vcm_bench');
  }
  const env = { NODE_ENV: 'development', DATABASE_URL: databaseUrl, KEY_FILE: keyFile, DATA_DIR: dir, SEED_DEMO: 'false', THROTTLE_LIMIT: '100000000', LOG_LEVEL: 'warn', AUDIT_CHECKPOINT_PATH: path.join(dir, 'checkpoints.log') };
  const config = loadConfig(env);
  const { keyring } = await loadKeysAndMigrate(config, databaseUrl, say, { migrate: true });

  say(`Seeding ${CASES} cases through the encryption path…`);
  const started = Date.now();
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl, keyring }), { logger: false });
  const seeded = await seed(ctx, CASES, (n) => process.stderr.write(`\r  ${n}/${CASES} cases (${Math.round(n / ((Date.now() - started) / 1000))}/s)`));
  await ctx.close();
  say(`\nSeeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  const appPort = await freePort();
  const app = spawn(process.execPath, [path.resolve(__dirname, '../src/main.js')], { env: { ...process.env, ...env, PORT: String(appPort) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const pool = new Pool({ connectionString: databaseUrl, max: 20 });
  const baseline = await NestFactory.create(baselineModule(pool), { logger: false });
  const basePort = await freePort();
  await baseline.listen(basePort, '127.0.0.1');
  const api = `http://127.0.0.1:${appPort}`;
  const base = `http://127.0.0.1:${basePort}`;
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${api}/health`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const login = await fetch(`${api}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: seeded.caseworker.username, password: seeded.caseworker.password }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const ids = seeded.ownCaseIds.slice(0, 5000);
  const rows: Row[] = [];

  // 1. Read one case (closed loop) vs the raw read.
  const read = await measure({ url: api, headers: auth, requests: rotating(ids.map((id) => `/api/v1/cases/${id}`)) });
  const readBase = await measure({ url: base, requests: rotating(ids.map((id) => `/baseline/case/${id}`)) });
  rows.push({ scenario: `read case, ${CONNECTIONS} connections`, ...read, baselineRps: readBase.rps, ratio: read.rps / readBase.rps, budget: '≥ 0.6 × baseline', pass: read.rps / readBase.rps >= 0.6 });
  // 2. Read, paced at 1,000 req/s (open loop: enough connections that the rate never waits on the server).
  const paced = await measure({ url: api, headers: auth, connections: 200, overallRate: 1000, requests: rotating(ids.map((id) => `/api/v1/cases/${id}`)) });
  rows.push({ scenario: 'read case, paced 1,000 req/s', ...paced, budget: 'p50 ≤ 5 ms, p99 ≤ 30 ms', pass: paced.p50 <= 5 && paced.p99 <= 30 });
  // 3. Create (reception with 1 minor), paced 200 req/s, vs raw inserts of the same rows.
  const body = JSON.stringify({ ...reception(1), accompanyingMinors: [reception(2).accompanyingMinors?.[0] ?? { fullName: 'Lò Văn Tùng', birthYear: 2022, sex: 'MALE', nationality: 'VN' }] });
  const create = await measure({ url: `${api}/api/v1/cases`, method: 'POST', headers: auth, body, connections: 50, overallRate: 200 });
  const createBase = await measure({ url: `${base}/baseline/case`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agency: seeded.caseworker.agencyId, user: seeded.caseworker.userId }), connections: 50, overallRate: 200 });
  rows.push({ scenario: 'create case (1 minor), paced 200 req/s', ...create, baselineRps: createBase.rps, ratio: create.p99 / Math.max(createBase.p99, 0.1), budget: 'p99 ≤ 60 ms', pass: create.p99 <= 60 });
  // 4. Duplicate check, paced 500 req/s, vs an indexed equality lookup.
  const dup = await measure({ url: `${api}/api/v1/cases/duplicate-check`, method: 'POST', headers: auth, body: JSON.stringify({ fullName: 'Nguyễn Thị Lan', birthYear: 1990, purpose: 'BENCH' }), connections: 100, overallRate: 500 });
  const dupBase = await measure({ url: `${base}/baseline/dup?value=12345`, connections: 100, overallRate: 500 });
  rows.push({ scenario: 'duplicate check, paced 500 req/s', ...dup, baselineRps: dupBase.rps, budget: 'p99 ≤ 20 ms', pass: dup.p99 <= 20 });
  // 5. Scoped list (page of 50), paced 200 req/s, vs a raw page.
  const list = await measure({ url: `${api}/api/v1/cases?limit=50`, headers: auth, connections: 50, overallRate: 200 });
  const listBase = await measure({ url: `${base}/baseline/cases?agency=${seeded.caseworker.agencyId}`, connections: 50, overallRate: 200 });
  rows.push({ scenario: 'scoped list (50), paced 200 req/s', ...list, baselineRps: listBase.rps, budget: 'p99 ≤ 50 ms', pass: list.p99 <= 50 });
  // 6. Quarterly province summary (the bench caseworker is not a statistician: time the raw aggregate and the
  //    product's endpoint as a statistician of province 20).
  const t0 = Date.now();
  await fetch(`${base}/baseline/summary?from=2026-07-01T00:00:00%2B07:00&to=2026-10-01T00:00:00%2B07:00`);
  const rawMs = Date.now() - t0;
  rows.push({ scenario: 'quarterly province summary (raw aggregate only)', rps: 0, p50: rawMs, p99: rawMs, budget: '≤ 1 s and ≤ 2 × raw (endpoint: pending a statistician fixture)' });
  // 7. Login throughput, and 8. read p99 during a login flood.
  const loginBody = JSON.stringify({ username: seeded.caseworker.username, password: seeded.caseworker.password });
  const logins = await measure({ url: `${api}/api/v1/auth/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody, connections: 10 });
  rows.push({ scenario: 'login (argon2id), 10 connections', ...logins, budget: 'report' });
  const quiet = await measure({ url: api, headers: auth, connections: 100, overallRate: 500, requests: rotating(ids.map((id) => `/api/v1/cases/${id}`)) });
  const [duringFlood] = await Promise.all([
    measure({ url: api, headers: auth, connections: 100, overallRate: 500, requests: rotating(ids.map((id) => `/api/v1/cases/${id}`)) }),
    measure({ url: `${api}/api/v1/auth/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody, connections: 10 }),
  ]);
  rows.push({ scenario: 'read p99 at 500 req/s during a login flood', ...duringFlood, baselineRps: quiet.rps, ratio: duringFlood.p99 / Math.max(quiet.p99, 0.1), budget: `p99 within 25 % of ${quiet.p99} ms`, pass: duringFlood.p99 <= quiet.p99 * 1.25 });

  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, postgres: (await pool.query('SHOW server_version')).rows[0].server_version, cases: CASES, duration: DURATION, connections: CONNECTIONS };
  console.log(`\nMachine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}, PostgreSQL ${machine.postgres}; ${CASES} cases\n`);
  console.log('| scenario | req/s | p50 ms | p99 ms | baseline req/s | ratio | budget | pass |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.baselineRps ?? ''} | ${r.ratio !== undefined ? r.ratio.toFixed(2) : ''} | ${r.budget} | ${r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL'} |`);
  }
  const out = path.resolve(__dirname, '../../bench/results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ machine, rows }, null, 2));

  app.kill('SIGTERM');
  await baseline.close();
  await pool.end();
  await new Promise((r) => app.once('exit', r));
  await stopDb();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
