import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
  blindIndex,
  decryptField,
  EnvKeyProvider,
  encryptField,
  FieldDecryptionError,
  FileKeyProvider,
  generateKeyFile,
  Keyring,
  normalizeVietnamese,
  unwrapDataKey,
  wrapDataKey,
} from './index';

const key = randomBytes(32);
const aad = { table: 'persons', column: 'full_name_enc', rowId: '0190a000-0000-7000-8000-000000000001' };

describe('field cipher (AES-256-GCM, AAD = table/column/row)', () => {
  it('round-trips Vietnamese text and the empty string', () => {
    for (const text of ['Nguyễn Thị Lan', '', 'Đặng Văn Đức — 0912 345 678', 'x'.repeat(10000)]) {
      expect(decryptField(key, encryptField(key, text, aad), aad)).toBe(text);
    }
  });

  it('never produces the same ciphertext twice and never contains the plaintext', () => {
    const a = encryptField(key, 'Nguyễn Thị Lan', aad);
    const b = encryptField(key, 'Nguyễn Thị Lan', aad);
    expect(a.equals(b)).toBe(false);
    expect(a.toString('hex')).not.toContain(Buffer.from('Nguy').toString('hex'));
  });

  it('gives every ciphertext its own nonce, across refills of the nonce buffer (2,000 seals, 341 per buffer)', () => {
    const payloads = Array.from({ length: 2000 }, (_, i) => encryptField(key, `Nguyễn Thị Lan ${i}`, aad));
    const nonces = new Set(payloads.map((p) => p.subarray(1, 13).toString('hex')));
    expect(nonces.size).toBe(2000);
    // Each payload owns its bytes: the first ones still open after the buffer they were cut from was replaced.
    expect(payloads.map((p, i) => decryptField(key, p, aad) === `Nguyễn Thị Lan ${i}`).every(Boolean)).toBe(true);
    // And the nonces are not a counter or a pattern: about half the bits of consecutive nonces differ.
    const bits = (a: Buffer, b: Buffer) => [...a].reduce((n, x, i) => n + ((x ^ b[i]).toString(2).match(/1/g)?.length ?? 0), 0);
    const mean = payloads.slice(1).reduce((n, p, i) => n + bits(p.subarray(1, 13), payloads[i].subarray(1, 13)), 0) / 1999;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(56);
  });

  it('fails when any single bit is flipped', () => {
    const payload = encryptField(key, 'Nguyễn Thị Lan', aad);
    for (let i = 0; i < payload.length; i++) {
      const tampered = Buffer.from(payload);
      tampered[i] ^= 0x01;
      expect(() => decryptField(key, tampered, aad)).toThrow(FieldDecryptionError);
    }
  });

  it('fails when the ciphertext is moved to another row, column or table, or under another key', () => {
    const payload = encryptField(key, 'Nguyễn Thị Lan', aad);
    expect(() => decryptField(key, payload, { ...aad, rowId: '0190a000-0000-7000-8000-000000000002' })).toThrow(FieldDecryptionError);
    expect(() => decryptField(key, payload, { ...aad, column: 'phone_enc' })).toThrow(FieldDecryptionError);
    expect(() => decryptField(key, payload, { ...aad, table: 'cases' })).toThrow(FieldDecryptionError);
    expect(() => decryptField(randomBytes(32), payload, aad)).toThrow(FieldDecryptionError);
  });

  it('error messages name the place, never the data', () => {
    try {
      decryptField(key, Buffer.alloc(40), aad);
      throw new Error('should have failed');
    } catch (e) {
      expect((e as Error).message).toContain('persons.full_name_enc');
      expect((e as Error).message).not.toContain(aad.rowId);
    }
  });
});

describe('data keys wrapped by a KEK', () => {
  it('unwrap needs the same owner and KEK version', () => {
    const kek = randomBytes(32);
    const dek = randomBytes(32);
    const wrapped = wrapDataKey(kek, 1, dek, 'owner-a');
    expect(unwrapDataKey(kek, 1, wrapped, 'owner-a').equals(dek)).toBe(true);
    expect(() => unwrapDataKey(kek, 1, wrapped, 'owner-b')).toThrow();
    expect(() => unwrapDataKey(kek, 2, wrapped, 'owner-a')).toThrow();
  });
});

describe('Vietnamese normalisation and blind indexes', () => {
  const nfc = 'Nguyễn Thị Lan'.normalize('NFC');
  const variants = [
    nfc,
    nfc.normalize('NFD'),
    'NGUYEN THI LAN',
    'nguyen  thi lan',
    'Nguyễn \u200dThị\u202e  Lan',
    ' Nguyễn,Thị\tLan. ',
  ];

  it('folds NFC/NFD, case, spacing, punctuation and invisible characters to one string', () => {
    for (const v of variants) expect(normalizeVietnamese(v)).toBe('nguyen thi lan');
  });

  it('folds Đ/đ to d', () => {
    for (const v of ['Đặng Văn Đức', 'DANG VAN DUC', 'đặng văn đức', 'Đặng Văn Đức'.normalize('NFD')]) {
      expect(normalizeVietnamese(v)).toBe('dang van duc');
    }
  });

  it('gives every variant the same index, and different names different indexes', () => {
    const k = randomBytes(32);
    const values = new Set(variants.map((v) => blindIndex(k, 'name', normalizeVietnamese(v), 24)));
    expect(values.size).toBe(1);
    const fixed = Buffer.alloc(32, 7);
    expect(blindIndex(fixed, 'name', 'nguyen thi lan', 24)).not.toBe(blindIndex(fixed, 'name', 'tran van minh', 24));
    expect(blindIndex(fixed, 'name', 'nguyen thi lan', 24)).not.toBe(blindIndex(fixed, 'phone', 'nguyen thi lan', 24));
  });

  it('honours the bit width', () => {
    const k = randomBytes(32);
    for (let i = 0; i < 200; i++) expect(blindIndex(k, 'name', `name ${i}`, 12)).toBeLessThan(2 ** 12);
  });
});

describe('key providers and the keyring', () => {
  const b64 = () => randomBytes(32).toString('base64');

  it('env provider rejects a short key naming the variable, without its value', async () => {
    const short = randomBytes(31).toString('base64');
    const env = { MASTER_KEYS: `1:${b64()}`, BLIND_INDEX_KEY: short, AUDIT_HMAC_KEY: b64(), TOKEN_SIGNING_KEY: b64() };
    const err = await new EnvKeyProvider(env).load().catch((e: Error) => e);
    expect((err as Error).message).toContain('BLIND_INDEX_KEY');
    expect((err as Error).message).not.toContain(short);
  });

  it('env provider loads several KEK versions and picks the highest as current', async () => {
    const env = { MASTER_KEYS: `1:${b64()},2:${b64()}`, BLIND_INDEX_KEY: b64(), AUDIT_HMAC_KEY: b64(), TOKEN_SIGNING_KEY: b64() };
    const material = await new EnvKeyProvider(env).load();
    expect(material.currentKekVersion).toBe(2);
    expect([...material.keks.keys()]).toEqual([1, 2]);
  });

  it('file provider round trip with a generated 0600 key file, which is never overwritten', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vcm-keys-'));
    try {
      const file = path.join(dir, 'sub', 'keys.json');
      generateKeyFile(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(() => generateKeyFile(file)).toThrow();
      const provider = new FileKeyProvider(file);
      const ring = Keyring.fromMaterial(await provider.load());
      expect(provider.looselyProtected).toBe(false);
      const { dataKey, wrapped, kekVersion } = ring.wrapNewDataKey('owner');
      expect(ring.unwrap('owner', wrapped, kekVersion).equals(dataKey)).toBe(true);
      expect(ring.fingerprints().map((f) => f.kind)).toEqual(['kek', 'blind-index', 'audit', 'token']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the keyring never prints key bytes', () => {
    const material = { keks: new Map([[1, randomBytes(32)]]), currentKekVersion: 1, blindIndexKey: randomBytes(32), auditKey: randomBytes(32), tokenKey: randomBytes(32) };
    const ring = Keyring.fromMaterial(material);
    const printed = `${inspect(ring, { depth: 5 })} ${JSON.stringify({ ring })} ${String(ring)}`;
    for (const k of [material.keks.get(1)!, material.blindIndexKey, material.auditKey, material.tokenKey]) {
      expect(printed).not.toContain(k.toString('hex'));
      expect(printed).not.toContain(k.toString('base64'));
    }
  });
});
