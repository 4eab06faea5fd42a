import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProblemException } from '../common/problem';
import { Keyring } from '../crypto';

/**
 * Lockout with growing back-off, stored in PostgreSQL so every replica sees it.
 * Two counters per failed login:
 *  - (account, client address): after PAIR_THRESHOLD failures, locked for 2^(n - threshold) s (cap 15 min).
 *    Keyed on the pair so a stranger elsewhere cannot lock a border post out of its own account.
 *  - client address across accounts: after ADDRESS_THRESHOLD failures, the same back-off for the address
 *    (credential stuffing / password spraying).
 * Only HMAC(tokenKey, key) is stored: no usernames or IP addresses at rest.
 */
export const PAIR_THRESHOLD = 5;
export const ADDRESS_THRESHOLD = 30;
export const MAX_LOCK_SECONDS = 15 * 60;
/** Counters restart when the last failure is older than this (and no lock is running). */
const FORGET_AFTER = '1 hour';

export interface ThrottleKeys {
  pair: Buffer;
  address: Buffer;
}

@Injectable()
export class LoginThrottle {
  constructor(
    private readonly db: DataSource,
    private readonly keyring: Keyring,
  ) {}

  keys(username: string, address: string): ThrottleKeys {
    const mac = (label: string) => createHmac('sha256', this.keyring.tokenKey).update(label).digest();
    return { pair: mac(`login-pair\u0000${username}\u0000${address}`), address: mac(`login-address\u0000${address}`) };
  }

  /** 429 `too-many-attempts` with Retry-After while the pair or the address is locked. */
  async assertNotLocked(keys: ThrottleKeys): Promise<void> {
    const rows: Array<{ wait: number | null }> = await this.db.query(
      `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS wait
         FROM login_throttle WHERE key_hash = ANY($1::bytea[]) AND locked_until > now()`,
      [[keys.pair, keys.address]],
    );
    const wait = rows[0]?.wait;
    if (wait && wait > 0) throw ProblemException.tooManyRequests(wait, 'too-many-attempts');
  }

  async recordFailure(keys: ThrottleKeys): Promise<void> {
    const stale = `(t.last_failure_at < now() - interval '${FORGET_AFTER}' AND (t.locked_until IS NULL OR t.locked_until < now()))`;
    const failures = `(CASE WHEN ${stale} THEN 1 ELSE t.failures + 1 END)`;
    const threshold = `(CASE t.scope WHEN 'ADDRESS' THEN ${ADDRESS_THRESHOLD} ELSE ${PAIR_THRESHOLD} END)`;
    await this.db.query(
      `INSERT INTO login_throttle AS t (key_hash, scope, failures, last_failure_at, locked_until)
       VALUES ($1, 'ACCOUNT_ADDRESS', 1, now(), NULL), ($2, 'ADDRESS', 1, now(), NULL)
       ON CONFLICT (key_hash) DO UPDATE SET
         failures = ${failures},
         last_failure_at = now(),
         locked_until = CASE WHEN ${failures} >= ${threshold}
           THEN greatest(t.locked_until, now() + make_interval(secs => least(${MAX_LOCK_SECONDS}, power(2, ${failures} - ${threshold}))))
           ELSE t.locked_until END`,
      [keys.pair, keys.address],
    );
    // Housekeeping now and then, so the table holds only recent attackers.
    if (Math.random() < 0.01) {
      await this.db.query(
        `DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`,
      );
    }
  }

  /** A successful login clears its pair (never the address: one valid account must not reset a spray). */
  async recordSuccess(keys: ThrottleKeys): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key_hash = $1', [keys.pair]);
  }
}
