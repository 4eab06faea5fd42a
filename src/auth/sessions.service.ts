import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ProblemException } from '../common/problem';
import { UserEntity } from '../users/user.entity';
import { RefreshTokenEntity, RevokeReason, SessionEntity } from './session.entity';
import { TokenService } from './tokens';
import { ActorCacheService } from './actor-cache';

export interface OpenedSession {
  sessionId: string;
  refreshToken: string;
}

export interface RotatedSession extends OpenedSession {
  user: UserEntity;
}

const invalidRefresh = () => ProblemException.unauthorized('invalid-refresh-token', 'The refresh token is invalid, expired or revoked. Log in again.');

/** Login sessions and their rotating refresh-token families. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly actors: ActorCacheService,
  ) {}

  async open(userId: string): Promise<OpenedSession> {
    return this.db.transaction(async (tx) => {
      const sessionId = uuidv7();
      await tx.insert(SessionEntity, { id: sessionId, userId });
      const refresh = this.tokens.newRefreshToken();
      await tx.insert(RefreshTokenEntity, { id: refresh.id, sessionId, tokenHash: refresh.hash, expiresAt: this.tokens.refreshExpiry() });
      return { sessionId, refreshToken: refresh.token };
    });
  }

  /**
   * Exchanges a refresh token for a new one. Presenting a token that was already rotated means two parties
   * hold the family (one of them stole it): the whole session is revoked and both lose access.
   */
  async rotate(token: string): Promise<RotatedSession> {
    const parsed = this.tokens.parseRefreshToken(token);
    if (!parsed) throw invalidRefresh();
    const outcome = await this.db.transaction(async (tx) => {
      const current = await tx.findOne(RefreshTokenEntity, { where: { id: parsed.id }, lock: { mode: 'pessimistic_write' } });
      if (!current || !this.tokens.refreshSecretMatches(parsed.secret, current.tokenHash)) return { ok: false as const };
      const session = await tx.findOne(SessionEntity, { where: { id: current.sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session || session.revokedAt) return { ok: false as const };
      if (current.rotatedAt) {
        await this.revokeIn(tx, { id: session.id }, 'REFRESH_REUSE');
        return { ok: false as const, revokedSessionId: session.id };
      }
      if (current.expiresAt.getTime() <= Date.now()) return { ok: false as const };
      const user = await tx.findOneBy(UserEntity, { id: session.userId });
      if (!user || !user.active) return { ok: false as const };
      const next = this.tokens.newRefreshToken();
      await tx.insert(RefreshTokenEntity, { id: next.id, sessionId: session.id, tokenHash: next.hash, expiresAt: this.tokens.refreshExpiry() });
      await tx.update(RefreshTokenEntity, { id: current.id }, { rotatedAt: new Date(), replacedBy: next.id });
      await tx.update(SessionEntity, { id: session.id }, { lastRefreshedAt: new Date() });
      return { ok: true as const, rotated: { sessionId: session.id, refreshToken: next.token, user } };
    });
    // Thrown after the transaction so that a reuse revocation is committed, not rolled back.
    if (!outcome.ok) {
      if ('revokedSessionId' in outcome && outcome.revokedSessionId) this.actors.forgetSession(outcome.revokedSessionId);
      throw invalidRefresh();
    }
    return outcome.rotated;
  }

  async revoke(sessionId: string, reason: RevokeReason): Promise<void> {
    await this.revokeIn(this.db.manager, { id: sessionId }, reason);
    this.actors.forgetSession(sessionId); // committed (autocommit): the next request here reads the database
  }

  /**
   * Call right AFTER committing a transaction that changed the user or used revokeAllOfUser: this process's
   * auth guard then reads the new state on the next request (other processes hear the database's NOTIFY).
   */
  forgetUser(userId: string): void {
    this.actors.forgetUser(userId);
  }

  /** Revokes every open session of the user (optionally keeping one: the caller's own). After commit: forgetUser. */
  async revokeAllOfUser(tx: EntityManager, userId: string, reason: RevokeReason, keepSessionId?: string): Promise<void> {
    await this.revokeIn(tx, keepSessionId ? { userId, id: Not(keepSessionId) } : { userId }, reason);
  }

  private async revokeIn(tx: EntityManager, where: Record<string, unknown>, reason: RevokeReason): Promise<void> {
    await tx.update(SessionEntity, { ...where, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }
}
