import { createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** All secrets of one deployment. KEKs are versioned; the others have one version each for now. */
export interface KeyMaterial {
  keks: Map<number, Buffer>;
  currentKekVersion: number;
  blindIndexKey: Buffer;
  auditKey: Buffer;
  tokenKey: Buffer;
}

/** Where keys come from: env, a file — or, later, an external KMS / Vault Transit behind the same interface. */
export interface KeyProvider {
  load(): Promise<KeyMaterial>;
  describe(): string;
}

export class KeyMaterialError extends Error {}

/** Decodes a base64 32-byte key; errors name the source, never the value. */
function key32(value: string | undefined, name: string): Buffer {
  if (!value) throw new KeyMaterialError(`${name} is missing`);
  const buf = Buffer.from(value, 'base64');
  if (buf.length !== 32) {
    throw new KeyMaterialError(`${name} must be 32 bytes, base64-encoded`);
  }
  return buf;
}

function assemble(keks: Map<number, Buffer>, current: number | undefined, rest: Omit<KeyMaterial, 'keks' | 'currentKekVersion'>, source: string): KeyMaterial {
  if (keks.size === 0) throw new KeyMaterialError(`${source}: no master key (KEK) versions`);
  const currentKekVersion = current ?? Math.max(...keks.keys());
  if (!keks.has(currentKekVersion)) throw new KeyMaterialError(`${source}: current KEK version ${currentKekVersion} is not among the keys`);
  return { keks, currentKekVersion, ...rest };
}

/** MASTER_KEYS="1:<b64>,2:<b64>", MASTER_KEY_CURRENT, BLIND_INDEX_KEY, AUDIT_HMAC_KEY, TOKEN_SIGNING_KEY. */
export class EnvKeyProvider implements KeyProvider {
  constructor(private readonly env: Record<string, string | undefined>) {}

  describe(): string {
    return 'environment (MASTER_KEYS …)';
  }

  async load(): Promise<KeyMaterial> {
    const keks = new Map<number, Buffer>();
    for (const entry of (this.env.MASTER_KEYS ?? '').split(',').filter((s) => s.trim())) {
      const [v, b64] = entry.trim().split(':');
      const version = Number(v);
      if (!Number.isInteger(version) || version < 1) throw new KeyMaterialError('MASTER_KEYS entries must look like <version>:<base64>');
      keks.set(version, key32(b64, `MASTER_KEYS version ${version}`));
    }
    const current = this.env.MASTER_KEY_CURRENT ? Number(this.env.MASTER_KEY_CURRENT) : undefined;
    return assemble(
      keks,
      current,
      {
        blindIndexKey: key32(this.env.BLIND_INDEX_KEY, 'BLIND_INDEX_KEY'),
        auditKey: key32(this.env.AUDIT_HMAC_KEY, 'AUDIT_HMAC_KEY'),
        tokenKey: key32(this.env.TOKEN_SIGNING_KEY, 'TOKEN_SIGNING_KEY'),
      },
      'MASTER_KEYS',
    );
  }
}

interface KeyFileJson {
  format: 'vcm-keys-v1';
  keks: Record<string, string>;
  currentKek: number;
  blindIndexKey: string;
  auditKey: string;
  tokenKey: string;
}

/** A JSON key file (mode 0600), e.g. mounted from a secret store. */
export class FileKeyProvider implements KeyProvider {
  /** True after load() when the file is readable by group or others (the caller warns). */
  looselyProtected = false;

  constructor(private readonly file: string) {}

  describe(): string {
    return `key file ${this.file}`;
  }

  async load(): Promise<KeyMaterial> {
    let json: KeyFileJson;
    try {
      json = JSON.parse(await fs.promises.readFile(this.file, 'utf8')) as KeyFileJson;
      this.looselyProtected = ((await fs.promises.stat(this.file)).mode & 0o077) !== 0;
    } catch (e) {
      throw new KeyMaterialError(`Cannot read the key file ${this.file} (${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
    }
    if (json?.format !== 'vcm-keys-v1') throw new KeyMaterialError(`${this.file}: "format" must be "vcm-keys-v1"`);
    const keks = new Map<number, Buffer>();
    for (const [v, b64] of Object.entries(json.keks ?? {})) keks.set(Number(v), key32(b64, `${this.file}: keks.${v}`));
    return assemble(
      keks,
      json.currentKek,
      {
        blindIndexKey: key32(json.blindIndexKey, `${this.file}: blindIndexKey`),
        auditKey: key32(json.auditKey, `${this.file}: auditKey`),
        tokenKey: key32(json.tokenKey, `${this.file}: tokenKey`),
      },
      this.file,
    );
  }
}

/** Writes a new random key file (0600; its directory 0700 if created). Refuses to overwrite. */
export function generateKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const b64 = () => randomBytes(32).toString('base64');
  const json: KeyFileJson = { format: 'vcm-keys-v1', keks: { '1': b64() }, currentKek: 1, blindIndexKey: b64(), auditKey: b64(), tokenKey: b64() };
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
}

export type KeyKind = 'kek' | 'blind-index' | 'audit' | 'token';

/** A public fingerprint of a key: HMAC of a fixed label under the key (reveals nothing about it). */
export function keyFingerprint(kind: KeyKind, key: Buffer): string {
  return createHmac('sha256', key).update(`vcm-fingerprint-v1:${kind}`).digest('hex').slice(0, 32);
}

export function kekFingerprint(kek: Buffer): string {
  return keyFingerprint('kek', kek);
}
