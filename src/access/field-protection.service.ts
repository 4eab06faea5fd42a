import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BlindIndexKind, blindIndexesForPerson, decryptField, encryptField, Keyring } from '../crypto';
import { FieldSpec, FieldType } from './field-registry';

/** A data key as stored: wrapped by a KEK version, bound to its owner (person or case id). */
export interface WrappedKey {
  ownerId: string;
  kekVersion: number;
  wrapped: Buffer;
}

export type PlainValue = string | number | object | null | undefined;

function serialize(type: FieldType, value: PlainValue): string {
  return type === 'json' ? JSON.stringify(value) : String(value);
}

function deserialize(type: FieldType, text: string): unknown {
  return type === 'integer' ? Number(text) : type === 'json' ? JSON.parse(text) : text;
}

/**
 * Encryption and decryption of registry fields — the only place the application turns personal values into
 * ciphertexts and back. Every module stores and reads protected fields through this service.
 */
@Injectable()
export class FieldProtection {
  constructor(private readonly keyring: Keyring, private readonly config: AppConfig) {}

  /** A fresh data key for a new person or case, returned with its wrapped form for storage. */
  newKey(ownerId: string): { dataKey: Buffer; stored: WrappedKey } {
    const { dataKey, wrapped, kekVersion } = this.keyring.wrapNewDataKey(ownerId);
    return { dataKey, stored: { ownerId, kekVersion, wrapped } };
  }

  openKey(key: WrappedKey): Buffer {
    return this.keyring.unwrap(key.ownerId, key.wrapped, key.kekVersion);
  }

  /**
   * Encrypts the encrypted fields present in `values` into `{column: ciphertext|null}`.
   * `undefined` = not provided (column untouched); `null`/'' = cleared.
   */
  seal<F extends string>(
    table: string,
    fields: Record<F, FieldSpec>,
    rowId: string,
    dataKey: Buffer,
    values: Partial<Record<F, PlainValue>>,
  ): Record<string, Buffer | null> {
    const out: Record<string, Buffer | null> = {};
    for (const [name, value] of Object.entries(values) as [F, PlainValue][]) {
      const spec = fields[name];
      if (!spec?.encrypted || value === undefined) continue;
      out[spec.column] =
        value === null || value === '' ? null : encryptField(dataKey, serialize(spec.type, value), { table, column: spec.column, rowId });
    }
    return out;
  }

  /** Decrypts only `wanted` encrypted fields of a row (columns as selected from the database). */
  open<F extends string>(
    table: string,
    fields: Record<F, FieldSpec>,
    rowId: string,
    dataKey: Buffer,
    row: Record<string, unknown>,
    wanted: Iterable<F>,
  ): Partial<Record<F, any>> {
    const out: Partial<Record<F, unknown>> = {};
    for (const name of wanted) {
      const spec = fields[name];
      if (!spec?.encrypted) continue;
      const payload = row[spec.column] as Buffer | null | undefined;
      out[name] = payload ? deserialize(spec.type, decryptField(dataKey, payload, { table, column: spec.column, rowId })) : null;
    }
    return out;
  }

  /** Blind indexes of a person's searchable values (kinds without a value are skipped). */
  personIndexes(p: {
    fullName?: string | null;
    dateOfBirth?: string | null;
    birthYear?: number | null;
    idNumber?: string | null;
    phone?: string | null;
  }): Array<{ kind: BlindIndexKind; value: number }> {
    // A full date of birth also yields the birth year, so "name + year" matches either way of recording it.
    const birthYear = p.birthYear ?? (p.dateOfBirth ? Number(p.dateOfBirth.slice(0, 4)) : null);
    return blindIndexesForPerson(this.keyring.blindIndexKey, { ...p, birthYear }, this.config.BLIND_INDEX_BITS);
  }
}
