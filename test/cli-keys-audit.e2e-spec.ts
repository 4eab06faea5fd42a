import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../src/cli/run-cli';
import { decryptField, FileKeyProvider, Keyring } from '../src/crypto';
import { createTestApp, TestApp, testKeyMaterial } from './support/app';
import { receptionPayload } from './support/case-fixtures';
import { bearer, createAgency, createUserAndLogin } from './support/identity';

async function cli(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => '', env: { NODE_ENV: 'test', ...env } });
  return { code, stdout, stderr };
}

describe('cli: rotate-keys and verify-audit', () => {
  let t: TestApp;
  let victimName: string;
  let caseId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    const cw = await createUserAndLogin(t, { role: 'CASEWORKER', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
    const body = receptionPayload(1900);
    victimName = body.victim.fullName;
    caseId = (await t.http().post('/api/v1/cases').set(bearer(cw.token)).send(body).expect(201)).body.id;
    // The same keys as the running app, plus a new KEK version 2 made current.
    const m = testKeyMaterial();
    const keyFile = path.join(t.workDir, 'rotated-keys.json');
    const b64 = (b: Buffer) => b.toString('base64');
    writeFileSync(
      keyFile,
      JSON.stringify({ format: 'vcm-keys-v1', keks: { '1': b64(m.keks.get(1)!), '2': b64(randomBytes(32)) }, currentKek: 2, blindIndexKey: b64(m.blindIndexKey), auditKey: b64(m.auditKey), tokenKey: b64(m.tokenKey) }),
      { mode: 0o600 },
    );
    env = { DATABASE_URL: t.databaseUrl, KEY_FILE: keyFile, DATA_DIR: t.workDir, AUDIT_CHECKPOINT_PATH: t.config.AUDIT_CHECKPOINT_PATH };
  });
  afterAll(() => t?.close());

  it('rotate-keys re-wraps every data key under the new KEK version without touching field data; a second run has nothing to do', async () => {
    const before = await t.sql(`SELECT id, full_name_enc FROM persons WHERE case_id = $1 AND kind = 'VICTIM'`, [caseId]);
    const run = await cli(['rotate-keys'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Re-wrapped \d+ data key\(s\) under KEK version 2/);
    expect(await t.sql('SELECT DISTINCT kek_version FROM data_keys')).toEqual([{ kek_version: 2 }]);
    const after = await t.sql(`SELECT id, full_name_enc FROM persons WHERE case_id = $1 AND kind = 'VICTIM'`, [caseId]);
    expect(after[0].full_name_enc.equals(before[0].full_name_enc)).toBe(true);

    const keyring = Keyring.fromMaterial(await new FileKeyProvider(env.KEY_FILE).load());
    const [k] = await t.sql('SELECT kek_version, wrapped FROM data_keys WHERE owner_id = $1', [after[0].id]);
    const dataKey = keyring.unwrap(after[0].id, k.wrapped, k.kek_version);
    expect(decryptField(dataKey, after[0].full_name_enc, { table: 'persons', column: 'full_name_enc', rowId: after[0].id })).toBe(victimName);
    expect((await t.sql(`SELECT version FROM key_fingerprints WHERE kind = 'kek' ORDER BY version`)).map((r) => r.version)).toEqual([1, 2]);

    const again = await cli(['rotate-keys'], env);
    expect(again.stdout).toMatch(/Re-wrapped 0 data key/);
    expect((await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'keys.rotate'`))[0].n).toBe(2);
  });

  it('verify-audit reports a valid chain (exit 0) and the first broken seq after tampering (exit 1)', async () => {
    const ok = await cli(['verify-audit', '--mode', 'full'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, firstBroken: null });
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await t.sql(`UPDATE audit_events SET action = 'case.innocent' WHERE seq = 3`);
    const broken = await cli(['verify-audit', '--mode', 'full'], env);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).firstBroken.seq).toBe(3);
    expect((await cli(['verify-audit', '--mode', 'sideways'], env)).code).toBe(2);
  });
});
