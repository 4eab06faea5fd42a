import { open, seal } from './aead';

/** Binds a ciphertext to its place: the same bytes under another table, column or row id fail to decrypt. */
export interface FieldAad {
  table: string;
  column: string;
  rowId: string;
}

/** Names the place only — never the data. */
export class FieldDecryptionError extends Error {
  constructor(aad: FieldAad) {
    super(`Cannot decrypt ${aad.table}.${aad.column}: wrong key, tampered or moved ciphertext`);
    this.name = 'FieldDecryptionError';
  }
}

const aadBytes = (aad: FieldAad) => Buffer.from(`${aad.table}\u0000${aad.column}\u0000${aad.rowId}`, 'utf8');

export function encryptField(dataKey: Buffer, plaintext: string, aad: FieldAad): Buffer {
  return seal(dataKey, Buffer.from(plaintext, 'utf8'), aadBytes(aad));
}

export function decryptField(dataKey: Buffer, payload: Buffer, aad: FieldAad): string {
  try {
    return open(dataKey, payload, aadBytes(aad)).toString('utf8');
  } catch {
    throw new FieldDecryptionError(aad);
  }
}

export function encryptJson(dataKey: Buffer, value: unknown, aad: FieldAad): Buffer {
  return encryptField(dataKey, JSON.stringify(value), aad);
}

export function decryptJson<T = unknown>(dataKey: Buffer, payload: Buffer, aad: FieldAad): T {
  return JSON.parse(decryptField(dataKey, payload, aad)) as T;
}
