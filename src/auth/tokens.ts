import { createHash, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../config/app-config';
import { Keyring } from '../crypto';

const ISSUER = 'vcm';
const AUDIENCE = 'vcm-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

export interface AccessClaims {
  /** user id */
  sub: string;
  /** session id */
  sid: string;
  /** the user's token_version when the token was issued */
  tv: number;
}

export interface IssuedRefreshToken {
  id: string;
  token: string;
  hash: Buffer;
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Access tokens already verified, by their exact text, until they expire. Verifying a JWT (two base64 decodes,
 * two JSON parses, an HMAC, the claim checks) was ≈ 3.5 % of an authenticated case read's CPU (bench/README.md,
 * session 6), paid again for every request of the same session. Only a token that passed the full check enters,
 * only the identical string finds it, and it leaves at its `exp` — so the answer is the one verification would
 * give (the signing key is fixed for the life of the process). Revocation does not rest on this: the session and
 * user are checked on every request (auth.guard.ts).
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): AccessClaims | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (this.now() >= hit.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.claims;
  }

  set(token: string, claims: AccessClaims, expiresAtMs: number): void {
    if (this.entries.size >= this.max) {
      // The oldest entry goes (Maps iterate in insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { claims, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Access tokens: short-lived JWTs, HS256 only (the verifier pins the algorithm, so `alg: none` or an
 * RS/HS confusion is refused), keyed by the keyring's token key. They are checked against the database on
 * every request (session revoked? token_version?), so revocation is immediate.
 * Refresh tokens: opaque `<tokenId>.<secret>`; only SHA-256(secret) is stored.
 */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly config: AppConfig,
    keyring: Keyring,
  ) {
    // A KeyObject, made once: given raw bytes, jsonwebtoken first tries to parse them as a public key and
    // catches the failure on every verification (a fifth of the CPU of an authenticated request).
    this.jwt = new JwtService({ secret: createSecretKey(keyring.tokenKey) as unknown as Buffer });
  }

  get accessTtlSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL_SECONDS;
  }

  signAccess(claims: AccessClaims): string {
    return this.jwt.sign(
      { sid: claims.sid, tv: claims.tv },
      { algorithm: 'HS256', subject: claims.sub, issuer: ISSUER, audience: AUDIENCE, expiresIn: this.accessTtlSeconds },
    );
  }

  /** The claims of a valid token, or null (bad signature, other algorithm, expired, malformed). */
  verifyAccess(token: string): AccessClaims | null {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const p = this.jwt.verify<Record<string, unknown>>(token, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof p.sub !== 'string' || !UUID.test(p.sub)) return null;
      if (typeof p.sid !== 'string' || !UUID.test(p.sid)) return null;
      if (typeof p.tv !== 'number' || !Number.isInteger(p.tv)) return null;
      const claims = { sub: p.sub, sid: p.sid, tv: p.tv };
      // Tokens we issue always carry exp (signAccess); one without it is not remembered.
      if (typeof p.exp === 'number') this.verified.set(token, claims, p.exp * 1000);
      return claims;
    } catch {
      return null;
    }
  }

  newRefreshToken(): IssuedRefreshToken {
    const id = uuidv7();
    const secret = randomBytes(32).toString('base64url');
    return { id, token: `${id}.${secret}`, hash: sha256(secret) };
  }

  parseRefreshToken(token: string): { id: string; secret: string } | null {
    const [id, secret, extra] = token.split('.');
    if (extra !== undefined || !id || !secret || !UUID.test(id) || !SECRET.test(secret)) return null;
    return { id, secret };
  }

  refreshSecretMatches(secret: string, storedHash: Buffer): boolean {
    const h = sha256(secret);
    return storedHash.length === h.length && timingSafeEqual(h, storedHash);
  }

  refreshExpiry(): Date {
    return new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
  }
}
