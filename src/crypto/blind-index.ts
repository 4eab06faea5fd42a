import { createHmac } from 'node:crypto';

export type BlindIndexKind = 'name' | 'name_birth_year' | 'id_number' | 'phone';

// Zero-width characters, BOM and bidirectional controls: invisible, so never part of a name's identity.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Vietnamese-aware folding for matching: "Nguyễn Thị Lan" (NFC or NFD), "NGUYEN THI LAN" and
 * "nguyen  thi lan" fold to the same string. Đ/đ → d; every run of spaces, punctuation, symbols and
 * controls becomes one space.
 */
export function normalizeVietnamese(input: string): string {
  return input
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\p{Z}\p{P}\p{S}\p{C}\s]+/gu, ' ')
    .trim();
}

/** Digits only. */
export function normalizeDigits(input: string): string {
  return input.replace(/\D+/g, '');
}

/** Vietnamese phone numbers: +84 / 84 country prefix folds to the national 0 prefix. */
export function normalizePhone(input: string): string {
  const digits = normalizeDigits(input);
  return digits.startsWith('84') && digits.length >= 11 ? `0${digits.slice(2)}` : digits;
}

/** ID card / passport numbers: upper-case letters and digits only. */
export function normalizeIdNumber(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]+/g, '');
}

/**
 * Truncated HMAC-SHA-256 (first 4 bytes, keeping the top `bits` bits). Truncation is deliberate: many people
 * share each value, so the index alone identifies no one; candidates are confirmed by decryption on the
 * server. With bits ≤ 31 the value fits a PostgreSQL `integer`.
 */
export function blindIndex(key: Buffer, kind: BlindIndexKind, normalizedValue: string, bits = 16): number {
  if (!Number.isInteger(bits) || bits < 8 || bits > 32) throw new RangeError('bits must be 8..32');
  const mac = createHmac('sha256', key).update(`${kind}\u0000${normalizedValue}`, 'utf8').digest();
  return mac.readUInt32BE(0) >>> (32 - bits);
}

export function blindIndexesForPerson(
  key: Buffer,
  p: { fullName?: string | null; birthYear?: number | null; idNumber?: string | null; phone?: string | null },
  bits = 16,
): Array<{ kind: BlindIndexKind; value: number }> {
  const out: Array<{ kind: BlindIndexKind; value: number }> = [];
  const name = p.fullName ? normalizeVietnamese(p.fullName) : '';
  if (name) out.push({ kind: 'name', value: blindIndex(key, 'name', name, bits) });
  if (name && p.birthYear) out.push({ kind: 'name_birth_year', value: blindIndex(key, 'name_birth_year', `${name}|${p.birthYear}`, bits) });
  const id = p.idNumber ? normalizeIdNumber(p.idNumber) : '';
  if (id) out.push({ kind: 'id_number', value: blindIndex(key, 'id_number', id, bits) });
  const phone = p.phone ? normalizePhone(p.phone) : '';
  if (phone) out.push({ kind: 'phone', value: blindIndex(key, 'phone', phone, bits) });
  return out;
}
