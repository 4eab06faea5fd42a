#!/usr/bin/env node
/**
 * `npm run security:scan` — SQL-injection scan of the running API with sqlmap (issue #6, part 5).
 *
 * Starts the compiled app (`npm run build` first; the npm script does it) on loopback with an embedded
 * PostgreSQL and the demo data in a fresh temporary DATA_DIR, changes the demo users' one-time passwords
 * through the API, opens a few cases, then runs sqlmap (Debian package `sqlmap`; `apt-get install -y sqlmap`)
 * against every parameterised endpoint family: path ids, query parameters and the JSON bodies of
 * POST /cases and PATCH /cases/:id (plus login and the duplicate check). Fails (exit 1) if sqlmap reports any
 * injectable parameter. Not part of `npm test`: it takes minutes.
 *
 * Environment: SCAN_LEVEL (default 2), SCAN_RISK (default 1), SCAN_KEEP=1 keeps the temporary directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const LEVEL = process.env.SCAN_LEVEL ?? '2';
const RISK = process.env.SCAN_RISK ?? '1';
const say = (m) => process.stdout.write(`${m}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(probe, what, ms = 90000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sqlmapVersion = spawnSync('sqlmap', ['--version'], { encoding: 'utf8' });
if (sqlmapVersion.status !== 0) {
  process.stderr.write('sqlmap is not installed. Remedy (Debian/Ubuntu): apt-get install -y sqlmap\n');
  process.exit(2);
}
try {
  statSync(MAIN);
} catch {
  process.stderr.write(`${MAIN} is missing: run \`npm run build\` (npm run security:scan does it).\n`);
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'vcm-scan-'));
chmodSync(work, 0o755); // as root, the embedded PostgreSQL's OS user must enter it
const dataDir = path.join(work, 'data');
const outDir = path.join(work, 'sqlmap');
mkdirSync(outDir);
const [port, pgPort] = [await freePort(), await freePort()];
const env = { ...process.env };
for (const k of ['DATABASE_URL', 'KEY_FILE', 'MASTER_KEYS', 'TEST_DATABASE_URL']) delete env[k];
Object.assign(env, {
  NODE_ENV: 'development',
  SEED_DEMO: 'true',
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  EMBEDDED_PG_PORT: String(pgPort),
  THROTTLE_LIMIT: '100000000', // sqlmap sends thousands of requests from one address
  // With sqlmap's xforwardedfor tamper every payload comes from a random address, so the per-address login
  // lockout and the duplicate check's own rate limit (30/min) do not turn the scan into a wall of 429s.
  TRUST_PROXY: 'true',
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  LOG_LEVEL: 'warn',
});
let appOutput = '';
const app = spawn(process.execPath, [MAIN], { cwd: ROOT, env });
app.stdout.on('data', (d) => (appOutput += d));
app.stderr.on('data', (d) => (appOutput += d));
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (app.exitCode === null) {
    app.kill('SIGTERM'); // stops the embedded PostgreSQL too
    await new Promise((r) => app.once('exit', r));
  }
  if (process.env.SCAN_KEEP === '1') say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => stop(130));
app.once('exit', (code) => {
  if (!stopping) {
    process.stderr.write(`the app exited early (${code}):\n${appOutput.slice(-3000)}\n`);
    stop(2);
  }
});

const BASE = `http://127.0.0.1:${port}/api/v1`;
const started = Date.now();
try {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, '/health');
  say(`app up on ${BASE} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const api = async (method, p, token, body, headers = {}) => {
    const res = await fetch(`${BASE}${p}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${p} → ${res.status} ${text.slice(0, 200)}`);
    return { body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  // Demo users: one-time passwords are printed once at first start; change them through the API.
  const otp = (user) => {
    const m = new RegExp(`^\\s*${user.replace('.', '\\.')}\\s+\\S+\\s+(\\S+)\\s*$`, 'm').exec(appOutput);
    if (!m) throw new Error(`no one-time password printed for ${user}`);
    return m[1];
  };
  const tokens = {};
  const passwords = {};
  for (const user of ['demo.caseworker', 'demo.supervisor', 'demo.admin', 'demo.auditor']) {
    const first = await api('POST', '/auth/login', null, { username: user, password: otp(user) });
    passwords[user] = `scan passphrase for ${user}`;
    await api('POST', '/auth/password', first.body.accessToken, { currentPassword: otp(user), newPassword: passwords[user] });
    tokens[user] = first.body.accessToken; // the same session works once the password is changed
  }
  const cw = tokens['demo.caseworker'];
  const payload = (n) => ({
    channel: 'HOTLINE_111',
    receivedAt: '2026-10-02T09:15:00+07:00',
    provinceCode: '20',
    communeCode: '06271',
    exploitationForms: ['FORCED_LABOUR'],
    destinationCountry: 'CN',
    summary: `Tiếp nhận qua tổng đài ${n}`,
    victim: { fullName: `Nguyễn Thị Quét ${n}`, birthYear: 2001, sex: 'FEMALE', nationality: 'VN', idNumber: `02030400${n}`, phone: `091230000${n}`, narrative: 'Bị lừa đi làm' },
    accompanyingMinors: [{ fullName: `Hoàng Văn Nhỏ ${n}`, birthYear: 2022, sex: 'MALE', nationality: 'XX', relation: 'CHILD' }],
  });
  const c1 = await api('POST', '/cases', cw, payload(1));
  await api('POST', '/cases', cw, payload(2));
  const caseId = c1.body.id;
  const agencyId = c1.body.ownerAgencyId;
  const cursor = (await api('GET', '/cases?limit=1', cw)).body.nextCursor;
  const support = await api('POST', `/cases/${caseId}/support-services`, cw, {
    personId: c1.body.victim.id, type: 'ESSENTIAL_NEEDS', status: 'PLANNED', providerAgencyId: agencyId, startDate: '2026-10-03',
  });
  const etag = (await api('GET', `/cases/${caseId}`, cw)).headers.get('etag');
  const adminId = (await api('GET', '/users?limit=1', tokens['demo.admin'])).body.items[0].id;

  // Targets: [name, token, sqlmap arguments]. `*` marks an injection point inside a path.
  const json = (o) => ['-H', 'Content-Type: application/json', '--data', JSON.stringify(o)];
  const targets = [
    ['path id: GET /cases/:id', cw, ['-u', `${BASE}/cases/${caseId}*`]],
    ['path id: GET /cases/:caseId/support-services', cw, ['-u', `${BASE}/cases/${caseId}*/support-services`]],
    ['path ids: PATCH /cases/:caseId/support-services/:id', cw, ['-u', `${BASE}/cases/${caseId}*/support-services/${support.body.id}*`, '--method', 'PATCH', '-H', `If-Match: ${support.headers.get('etag')}`, ...json({ legalBasis: 'Điều 37' })]],
    ['path id: GET /users/:id', tokens['demo.admin'], ['-u', `${BASE}/users/${adminId}*`]],
    ['path id: GET /agencies/:id', tokens['demo.admin'], ['-u', `${BASE}/agencies/${agencyId}*`]],
    ['query: GET /cases?limit&cursor&stage', cw, ['-u', `${BASE}/cases?limit=10&cursor=${cursor}&stage=RECEIVED`, '-p', 'limit,cursor,stage']],
    ['query: GET /handovers?limit&cursor', cw, ['-u', `${BASE}/handovers?limit=10&cursor=${cursor}`, '-p', 'limit,cursor']],
    ['query: GET /users?agencyId&limit', tokens['demo.admin'], ['-u', `${BASE}/users?agencyId=${agencyId}&limit=10`, '-p', 'agencyId,limit']],
    [
      'query: GET /audit/events',
      tokens['demo.auditor'],
      ['-u', `${BASE}/audit/events?resourceType=case&resourceId=${caseId}&action=case.read&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&limit=5`, '-p', 'resourceType,resourceId,action,from,to,limit'],
    ],
    ['query: GET /reports/province-summary', tokens['demo.supervisor'], ['-u', `${BASE}/reports/province-summary?provinceCode=20&year=2026&quarter=4`, '-p', 'provinceCode,year,quarter']],
    ['JSON body: POST /cases', cw, ['-u', `${BASE}/cases`, ...json(payload(3))]],
    ['JSON body: PATCH /cases/:id', cw, ['-u', `${BASE}/cases/${caseId}`, '--method', 'PATCH', '-H', `If-Match: ${etag}`, ...json({ summary: 'Cập nhật', communeCode: '06272', destinationCountry: 'CN', victim: { fullName: 'Nguyễn Thị Quét 1', phone: '0912300001', address: 'Thôn Nà Pàn' } })]],
    ['JSON body: POST /cases/duplicate-check', cw, ['-u', `${BASE}/cases/duplicate-check`, ...json({ fullName: 'Nguyễn Thị Quét 1', birthYear: 2001, idNumber: '020304001', purpose: 'RECEPTION' })]],
    ['JSON body: POST /auth/login', null, ['-u', `${BASE}/auth/login`, ...json({ username: 'demo.caseworker', password: passwords['demo.caseworker'] })]],
  ];

  const findings = [];
  const serverErrors = [];
  const times = [];
  let requests = 0;
  for (const [i, [name, token, args]] of targets.entries()) {
    const t0 = Date.now();
    const traffic = path.join(work, `traffic-${i}.txt`);
    const argv = [
      ...args,
      '--batch', '--ignore-code=401', `--level=${LEVEL}`, `--risk=${RISK}`, '--dbms=PostgreSQL', '--disable-coloring',
      '--flush-session', `--output-dir=${outDir}`, '--answers=follow=N,keep testing=Y', '-t', traffic, '--tamper=xforwardedfor',
      ...(token ? ['-H', `Authorization: Bearer ${token}`] : []),
    ];
    say(`\n=== ${name}`);
    const run = spawnSync('sqlmap', argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    const seconds = (Date.now() - t0) / 1000;
    writeFileSync(path.join(work, `sqlmap-${i}.txt`), out);
    let sent = 0;
    try {
      sent = (readFileSync(traffic, 'utf8').match(/^HTTP request \[#\d+\]/gm) ?? []).length;
    } catch {
      /* no traffic file */
    }
    requests += sent;
    times.push([name, seconds, sent]);
    const injectable = /identified the following injection point|is vulnerable\b|appears to be '.*' injectable/i.test(out);
    const notInjectable = /all tested parameters do not appear to be injectable/i.test(out);
    const errors500 = /500 \(Internal Server Error\) - \d+ times/i.exec(out);
    const statusLine = /HTTP error codes detected during run:\s*\n?(?:\[[^\]]*\] \[\w+\] )?([^\n]*)/i.exec(out)?.[1]?.trim();
    say(`${injectable ? 'INJECTABLE' : notInjectable ? 'not injectable' : 'inconclusive'} — ${sent} requests, ${seconds.toFixed(0)} s${statusLine ? ` (answers: ${statusLine})` : ''}`);
    if (errors500) {
      say(`  note: ${errors500[0]}`);
      serverErrors.push(`${name}: ${errors500[0]}`);
    }
    if (injectable) findings.push(`${name}\n${out.split('\n').filter((l) => /Parameter:|Type:|Title:|Payload:/.test(l)).join('\n')}`);
    else if (!notInjectable) findings.push(`${name}: sqlmap did not complete (exit ${run.status}):\n${out.split('\n').slice(-15).join('\n')}`);
  }
  // sqlmap also records confirmed injection points in <output-dir>/<host>/log.
  for (const host of readdirSync(outDir)) {
    try {
      const log = readFileSync(path.join(outDir, host, 'log'), 'utf8').trim();
      if (log) findings.push(`sqlmap log for ${host}:\n${log}`);
    } catch {
      /* no log: nothing found */
    }
  }
  writeFileSync(path.join(work, 'summary.json'), JSON.stringify({ findings, serverErrors, times }, null, 2));
  say('\n=== summary');
  for (const [name, s, n] of times) say(`  ${s.toFixed(0).padStart(5)} s ${String(n).padStart(6)} requests  ${name}`);
  say(`  total ${((Date.now() - started) / 1000).toFixed(0)} s, ${targets.length} targets, ${requests} sqlmap requests, level ${LEVEL}, risk ${RISK}`);
  if (serverErrors.length) say(`\n500 responses seen during the scan (bugs to look at, not injections):\n  ${serverErrors.join('\n  ')}`);
  if (findings.length) {
    say(`\nFAILED: sqlmap reports injectable or untested parameters:\n${findings.join('\n\n')}`);
    await stop(1);
  }
  say('\nOK: no injectable parameter.');
  await stop(0);
} catch (e) {
  process.stderr.write(`security scan failed: ${e?.stack ?? e}\n${appOutput.slice(-2000)}\n`);
  await stop(2);
}
