import { randomBytes } from 'node:crypto';
import { open, seal } from './aead';

/** A fresh 256-bit data key (one per person, one per case). */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

const aad = (ownerId: string, kekVersion: number) => Buffer.from(`dek\u0000${ownerId}\u0000${kekVersion}`, 'utf8');

/** Wraps a data key under a KEK; the wrapping is bound to its owner and KEK version. */
export function wrapDataKey(kek: Buffer, kekVersion: number, dataKey: Buffer, ownerId: string): Buffer {
  return seal(kek, dataKey, aad(ownerId, kekVersion));
}

export function unwrapDataKey(kek: Buffer, kekVersion: number, wrapped: Buffer, ownerId: string): Buffer {
  try {
    return open(kek, wrapped, aad(ownerId, kekVersion));
  } catch {
    throw new Error(`Cannot unwrap the data key of ${ownerId} (KEK version ${kekVersion})`);
  }
}
