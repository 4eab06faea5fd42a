import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Layout of every AES-256-GCM payload here: [version 0x01][nonce 12][ciphertext][tag 16]. */
const VERSION = 0x01;
const NONCE = 12;
const TAG = 16;

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Throws on any tampering, wrong key, wrong AAD or unknown version. */
export function open(key: Buffer, payload: Buffer, aad: Buffer): Buffer {
  if (payload.length < 1 + NONCE + TAG || payload[0] !== VERSION) throw new Error('bad payload');
  const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(1, 1 + NONCE));
  decipher.setAAD(aad);
  decipher.setAuthTag(payload.subarray(payload.length - TAG));
  return Buffer.concat([decipher.update(payload.subarray(1 + NONCE, payload.length - TAG)), decipher.final()]);
}
