import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProblemException } from '../common/problem';
import { Keyring } from '../crypto';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export type IdempotencyClaim = { replay: false } | { replay: true; resourceId: string; statusCode: number };

/**
 * `Idempotency-Key` for creates, scoped per user. The store keeps ids and a keyed hash of the request —
 * never a response body (those carry personal data); a replay re-renders the resource for the caller.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly keyring: Keyring) {}

  /** Validates the header; undefined when absent. */
  parseKey(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (!KEY_PATTERN.test(header)) {
      throw ProblemException.badRequest('invalid-idempotency-key', 'Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 _ . : -', [
        { field: 'Idempotency-Key', message: 'Idempotency-Key has an invalid format' },
      ]);
    }
    return header;
  }

  requestHash(operation: string, body: unknown): Buffer {
    return createHmac('sha256', this.keyring.tokenKey).update(`idempotency\u0000${operation}\u0000${canonicalJson(body)}`).digest();
  }

  /**
   * Claims `key` inside the caller's transaction for a resource id made in advance. A concurrent claim of
   * the same key waits for this transaction (PostgreSQL's ON CONFLICT), so only one resource is created.
   * Returns replay information when the key was already used with the same request; 422 otherwise.
   */
  async claim(
    tx: EntityManager,
    c: { userId: string; key: string; operation: string; requestHash: Buffer; resourceId: string; statusCode: number },
  ): Promise<IdempotencyClaim> {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO idempotency_keys (user_id, key, operation, request_hash, resource_id, status_code)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
      [c.userId, c.key, c.operation, c.requestHash, c.resourceId, c.statusCode],
    );
    if (inserted.length > 0) return { replay: false };
    const rows: Array<{ operation: string; request_hash: Buffer; resource_id: string; status_code: number }> = await tx.query(
      'SELECT operation, request_hash, resource_id, status_code FROM idempotency_keys WHERE user_id = $1 AND key = $2',
      [c.userId, c.key],
    );
    const prior = rows[0];
    if (!prior || prior.operation !== c.operation || !prior.request_hash.equals(c.requestHash)) {
      throw ProblemException.unprocessable('idempotency-key-reused', 'This Idempotency-Key was already used with a different request.');
    }
    return { replay: true, resourceId: prior.resource_id, statusCode: prior.status_code };
  }
}
