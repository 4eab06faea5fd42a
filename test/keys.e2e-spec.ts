import { checkKeyFingerprints, KeyMismatchError } from '../src/bootstrap/key-check';
import { Keyring } from '../src/crypto';
import { createTestApp, TestApp, testKeyMaterial } from './support/app';

describe('keys: fingerprints recorded in the database', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t?.close());

  it('records a fingerprint per key kind and version — never the key itself', async () => {
    const rows = await t.sql<{ kind: string; version: number; fingerprint: string }>('SELECT kind, version, fingerprint FROM key_fingerprints ORDER BY kind');
    expect(rows.map((r) => r.kind)).toEqual(['audit', 'blind-index', 'kek', 'token']);
    const material = testKeyMaterial();
    const raw = [material.keks.get(1)!, material.blindIndexKey, material.auditKey, material.tokenKey];
    for (const r of rows) for (const k of raw) expect(r.fingerprint).not.toContain(k.toString('hex').slice(0, 16));
  });

  it('accepts the same keys again', async () => {
    await expect(checkKeyFingerprints(t.databaseUrl, Keyring.fromMaterial(testKeyMaterial()))).resolves.toBeUndefined();
  });

  it('refuses a different master key (and writes nothing)', async () => {
    const wrong = Keyring.fromMaterial(testKeyMaterial('-wrong'));
    await expect(checkKeyFingerprints(t.databaseUrl, wrong)).rejects.toBeInstanceOf(KeyMismatchError);
    const rows = await t.sql('SELECT count(*)::int AS n FROM key_fingerprints');
    expect(rows[0].n).toBe(4);
  });

  it('refuses when only the blind-index key differs (search would silently break)', async () => {
    const material = { ...testKeyMaterial(), blindIndexKey: testKeyMaterial('-other').blindIndexKey };
    await expect(checkKeyFingerprints(t.databaseUrl, Keyring.fromMaterial(material))).rejects.toThrow(/blind-index/);
  });
});
