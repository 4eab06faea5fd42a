import { inspect } from 'node:util';
import { newDataKey, unwrapDataKey, wrapDataKey } from './data-keys';
import { keyFingerprint, KeyMaterial } from './key-material';

/**
 * The process's keys, loaded once at boot. Provided to Nest as an injectable value; usable outside Nest
 * (CLI, tests) through `Keyring.fromMaterial`. Never serialises or prints key bytes.
 */
export class Keyring {
  private constructor(private readonly material: KeyMaterial) {}

  static fromMaterial(material: KeyMaterial): Keyring {
    return new Keyring(material);
  }

  get currentKekVersion(): number {
    return this.material.currentKekVersion;
  }

  kek(version: number): Buffer {
    const k = this.material.keks.get(version);
    if (!k) throw new Error(`KEK version ${version} is not configured`);
    return k;
  }

  wrapNewDataKey(ownerId: string): { dataKey: Buffer; wrapped: Buffer; kekVersion: number } {
    const dataKey = newDataKey();
    const kekVersion = this.currentKekVersion;
    return { dataKey, wrapped: wrapDataKey(this.kek(kekVersion), kekVersion, dataKey, ownerId), kekVersion };
  }

  /** Wraps an existing data key under the current KEK (key rotation). */
  wrapKeyForOwner(ownerId: string, dataKey: Buffer): Buffer {
    return wrapDataKey(this.kek(this.currentKekVersion), this.currentKekVersion, dataKey, ownerId);
  }

  unwrap(ownerId: string, wrapped: Buffer, kekVersion: number): Buffer {
    return unwrapDataKey(this.kek(kekVersion), kekVersion, wrapped, ownerId);
  }

  get blindIndexKey(): Buffer {
    return this.material.blindIndexKey;
  }

  get auditKey(): Buffer {
    return this.material.auditKey;
  }

  get tokenKey(): Buffer {
    return this.material.tokenKey;
  }

  fingerprints(): Array<{ kind: string; version: number; fingerprint: string }> {
    return [
      ...[...this.material.keks.entries()].map(([version, k]) => ({ kind: 'kek', version, fingerprint: keyFingerprint('kek', k) })),
      { kind: 'blind-index', version: 1, fingerprint: keyFingerprint('blind-index', this.blindIndexKey) },
      { kind: 'audit', version: 1, fingerprint: keyFingerprint('audit', this.auditKey) },
      { kind: 'token', version: 1, fingerprint: keyFingerprint('token', this.tokenKey) },
    ];
  }

  toString(): string {
    return `Keyring(kek versions: ${[...this.material.keks.keys()].join(',')})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
