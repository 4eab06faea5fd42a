import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateKeyFile } from '../src/crypto';
import { freePort } from './support/global-setup';

/**
 * `npm start`'s bootstrap as a newcomer runs it: the compiled app with no DATABASE_URL boots an embedded
 * PostgreSQL in DATA_DIR, migrates, seeds demo users once, serves /health — and survives being SIGKILLed.
 */
const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

interface Started {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.KEY_FILE;
  delete clean.MASTER_KEYS;
  const proc = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { ...clean, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env } });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 60000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function health(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status;
  } catch {
    return 0;
  }
}

const postmasterPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start bootstrap (embedded PostgreSQL)', () => {
  let dir: string;
  let dataDir: string;
  let running: Started | undefined;

  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    dir = mkdtempSync(path.join(tmpdir(), 'vcm-boot-'));
    chmodSync(dir, 0o755); // as root, the postgres OS user must be able to enter the parents of DATA_DIR
    dataDir = path.join(dir, 'data');
  }, 120000);

  afterAll(async () => {
    if (running && running.proc.exitCode === null) {
      running.proc.kill('SIGTERM');
      await running.exited;
    }
    if (existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))) {
      const pid = postmasterPid(dataDir);
      if (alive(pid)) process.kill(pid, 'SIGINT');
      await waitFor(() => !alive(pid), 'postgres to stop', 15000).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('first start: initialises, migrates, seeds demo users once, serves /health and /docs-json', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    running = start({ PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir });
    await waitFor(async () => (await health(port)) === 200 || running!.proc.exitCode !== null, '/health');
    expect(await health(port)).toBe(200);
    expect(running.output()).toMatch(/WARNING: generated a DEVELOPMENT key file/);
    expect(running.output()).toMatch(/demo\.caseworker/);
    const docs = (await (await fetch(`http://127.0.0.1:${port}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(docs.paths['/api/v1/cases']).toBeDefined();
    expect(readFileSync(path.join(dataDir, 'keys.json'), 'utf8')).toContain('vcm-keys-v1');
  }, 120000);

  it('after SIGKILL the next start recovers the orphaned PostgreSQL and reuses the data', async () => {
    const orphan = postmasterPid(dataDir);
    running!.proc.kill('SIGKILL');
    await running!.exited;
    expect(alive(orphan)).toBe(true); // the embedded server outlived its parent, as after a crash

    const [port, pgPort] = [await freePort(), await freePort()];
    running = start({ PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir });
    await waitFor(async () => (await health(port)) === 200 || running!.proc.exitCode !== null, '/health after restart');
    expect(await health(port)).toBe(200);
    expect(running.output()).not.toMatch(/demo\.caseworker/); // seeded once only
    expect(running.output()).not.toMatch(/generated a DEVELOPMENT key file/);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo.caseworker', password: 'definitely-wrong-password' }),
    });
    expect(login.status).toBe(401); // the user exists in the reused database; wrong password is refused

    const pg = postmasterPid(dataDir);
    running.proc.kill('SIGTERM');
    await running.exited;
    await waitFor(() => !alive(pg), 'embedded postgres to stop with the app', 20000);
  }, 120000);

  it('refuses to start with a different key than the one the data was written with', async () => {
    const otherKeys = path.join(dir, 'other-keys.json');
    generateKeyFile(otherKeys);
    const [port, pgPort] = [await freePort(), await freePort()];
    running = start({ PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: dataDir, KEY_FILE: otherKeys });
    const code = await running.exited;
    expect(code).toBe(1);
    expect(running.output()).toMatch(/keys do not match/);
    expect(running.output()).not.toMatch(/API on/);
  }, 120000);

  it('an unusable DATA_DIR stops with a clear message and the remedy', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    for (const unusable of [path.join(file, 'data'), '/proc/vcm-cannot-write-here']) {
      running = start({ PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), DATA_DIR: unusable });
      const code = await running.exited;
      expect(code).toBe(1);
      expect(running.output()).toMatch(/Cannot use the data directory/);
      expect(running.output()).toMatch(/Remedy:/);
    }
  }, 60000);
});
