import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import { seedDemoIfEmpty } from '../src/bootstrap/seed-demo';
import { runCli } from '../src/cli/run-cli';
import { loadConfig } from '../src/config/app-config';
import { FileKeyProvider, generateKeyFile, Keyring } from '../src/crypto';
import { createTestDatabase, dropTestDatabase } from './support/database';
import { withDatabase } from './support/global-setup';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process against its own fresh database, with its own key file (like a new installation). */
describe('cli', () => {
  let dir: string;
  const dropped: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vcm-cli-'));
  });
  afterAll(async () => {
    for (const name of dropped) await dropTestDatabase(name);
    rmSync(dir, { recursive: true, force: true });
  });

  async function freshDatabase(): Promise<{ url: string; keyFile: string; sql: <T = any>(q: string, p?: unknown[]) => Promise<T[]> }> {
    const db = await createTestDatabase();
    dropped.push(db.name);
    const keyFile = path.join(dir, `${db.name}-keys.json`);
    generateKeyFile(keyFile);
    const sql = async (q: string, p?: unknown[]) => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(q, p as unknown[])).rows;
      } finally {
        await c.end();
      }
    };
    return { url: db.url, keyFile, sql };
  }

  async function cli(argv: string[], db: { url: string; keyFile: string }, stdin = '', env: Record<string, string> = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      readStdin: async () => stdin,
      env: { NODE_ENV: 'test', DATABASE_URL: db.url, KEY_FILE: db.keyFile, DATA_DIR: dir, ...env },
    });
    return { code, stdout, stderr };
  }

  it('prints usage: no command → 2, help → 0, unknown command or flag → 2', async () => {
    const db = { url: 'postgres://unused', keyFile: 'unused' };
    expect((await cli([], db)).code).toBe(2);
    const help = await cli(['help'], db);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('create-agency');
    expect((await cli(['frobnicate'], db)).code).toBe(2);
    const flag = await cli(['create-agency', '--name', 'X', '--colour', 'red'], db);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--colour');
    const missing = await cli(['create-agency', '--name', 'X'], db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing --type, --province/);
  });

  it('migrate: applies every migration to an empty database, then has nothing to do', async () => {
    const name = `vcm_cli_empty_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.VCM_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dropped.push(name);
    const db = { url: withDatabase(process.env.VCM_TEST_ADMIN_URL!, name), keyFile: path.join(dir, 'empty-keys.json') };
    generateKeyFile(db.keyFile);
    const first = await cli(['migrate'], db);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\): .*Identity1764000001000/);
    const again = await cli(['migrate'], db);
    expect(again).toMatchObject({ code: 0, stdout: 'No pending migrations.\n' });
  });

  it('create-agency prints the id; invalid input is a usage error naming the flag', async () => {
    const db = await freshDatabase();
    const ok = await cli(['create-agency', '--name', 'Công an tỉnh Lạng Sơn', '--type', 'POLICE', '--province', '20', '--commune=06271'], db);
    expect(ok.code).toBe(0);
    const id = ok.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const [row] = await db.sql('SELECT name, type, province_code, commune_code FROM agencies WHERE id = $1', [id]);
    expect(row).toEqual({ name: 'Công an tỉnh Lạng Sơn', type: 'POLICE', province_code: '20', commune_code: '06271' });
    const bad = await cli(['create-agency', '--name', 'X', '--type', 'POLICE', '--province', '02'], db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--province');
  });

  it('create-user reads a permanent password from stdin; rules are the API\'s', async () => {
    const db = await freshDatabase();
    const agency = (await cli(['create-agency', '--name', 'Đồn Biên phòng Hữu Nghị', '--type', 'BORDER_GUARD', '--province', '20'], db)).stdout.trim();
    const ok = await cli(['create-user', '--username', 'Admin.One', '--role', 'SYSTEM_ADMIN', '--agency', agency], db, 'a long operator passphrase\n');
    expect(ok.code).toBe(0);
    const [row] = await db.sql('SELECT id, username, must_change_password, password_hash FROM users');
    expect(row).toMatchObject({ id: ok.stdout.trim(), username: 'admin.one', must_change_password: false });
    expect(await argon2.verify(row.password_hash, 'a long operator passphrase')).toBe(true);
    expect(ok.stdout + ok.stderr).not.toContain('passphrase');

    const short = await cli(['create-user', '--username', 'u.two', '--role', 'AUDITOR', '--agency', agency], db, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('password');
    expect(short.stderr).not.toContain('short\n');
    const mismatch = await cli(['create-user', '--username', 'u.three', '--role', 'POLICE_OFFICER', '--agency', agency], db, 'a long operator passphrase');
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('--role');
    const taken = await cli(['create-user', '--username', 'ADMIN.ONE', '--role', 'AUDITOR', '--agency', agency], db, 'a long operator passphrase');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already in use/);
  });

  it('reset-password prints a one-time password once and revokes sessions', async () => {
    const db = await freshDatabase();
    const agency = (await cli(['create-agency', '--name', 'Sở Y tế', '--type', 'SOCIAL_AFFAIRS', '--province', '20'], db)).stdout.trim();
    const userId = (await cli(['create-user', '--username', 'cw.one', '--role', 'CASEWORKER', '--agency', agency], db, 'first permanent password')).stdout.trim();
    await db.sql(`INSERT INTO auth_sessions (id, user_id) VALUES ('0190a0a0-0000-7000-8000-000000000001', $1)`, [userId]);
    const res = await cli(['reset-password', '--username', 'CW.ONE'], db);
    expect(res.code).toBe(0);
    const otp = res.stdout.trim();
    expect(otp.length).toBeGreaterThanOrEqual(12);
    const [row] = await db.sql('SELECT must_change_password, password_hash FROM users WHERE id = $1', [userId]);
    expect(row.must_change_password).toBe(true);
    expect(await argon2.verify(row.password_hash, otp)).toBe(true);
    const [s] = await db.sql('SELECT revoked_reason FROM auth_sessions WHERE user_id = $1', [userId]);
    expect(s.revoked_reason).toBe('PASSWORD_RESET');
    expect((await cli(['reset-password', '--username', 'nobody'], db)).code).toBe(1);
  });

  it('seed-demo creates one agency per type in Lạng Sơn and one user per role, printing passwords once', async () => {
    const db = await freshDatabase();
    const res = await cli(['seed-demo'], db);
    expect(res.code).toBe(0);
    for (const u of ['demo.caseworker', 'demo.supervisor', 'demo.border', 'demo.police', 'demo.legalaid', 'demo.health', 'demo.statistician', 'demo.auditor', 'demo.admin']) {
      expect(res.stdout).toContain(u);
    }
    expect(res.stdout).toMatch(/must be changed at first login/);
    const agencies = await db.sql('SELECT DISTINCT type, province_code FROM agencies');
    expect(agencies).toHaveLength(9);
    expect(agencies.every((a) => a.province_code === '20')).toBe(true);
    const users = await db.sql('SELECT username, must_change_password FROM users');
    expect(users).toHaveLength(9);
    expect(users.every((u) => u.must_change_password)).toBe(true);
    const again = await cli(['seed-demo'], db);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(await db.sql('SELECT 1 FROM users')).toHaveLength(9);
    expect((await cli(['seed-demo'], db, '', { NODE_ENV: 'production' })).code).toBe(1);
  });

  it('seedDemoIfEmpty (npm start) seeds only a database without users', async () => {
    const db = await freshDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, KEY_FILE: db.keyFile, DATA_DIR: dir });
    const keyring = Keyring.fromMaterial(await new FileKeyProvider(db.keyFile).load());
    let said = '';
    await seedDemoIfEmpty({ config, databaseUrl: db.url, keyring }, (m) => (said += m));
    expect(said).toContain('demo.admin');
    said = '';
    await seedDemoIfEmpty({ config, databaseUrl: db.url, keyring }, (m) => (said += m));
    expect(said).toBe('');
  });

  it('runs the key check: a different key file is refused', async () => {
    const db = await freshDatabase();
    expect((await cli(['create-agency', '--name', 'A', '--type', 'POLICE', '--province', '20'], db)).code).toBe(0);
    const other = path.join(dir, 'other-keys.json');
    generateKeyFile(other);
    const res = await cli(['create-agency', '--name', 'B', '--type', 'POLICE', '--province', '20'], { ...db, keyFile: other });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/keys do not match/);
    expect(await db.sql(`SELECT 1 FROM agencies WHERE name = 'B'`)).toHaveLength(0);
  });
});
