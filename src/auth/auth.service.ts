import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, auditActorOf } from '../audit';
import { ProblemException } from '../common/problem';
import { UserEntity } from '../users/user.entity';
import type { Actor } from './actor';
import { ChangePasswordDto, LoginDto, TokenResponse } from './dto/auth.dto';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { SessionsService } from './sessions.service';
import { TokenService } from './tokens';

const invalidCredentials = () => ProblemException.unauthorized('invalid-credentials', 'The username or password is incorrect.');

@Injectable()
export class AuthService {
  constructor(
    private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Unknown user, deactivated user and wrong password give the same answer after the same work (a verify
   * against a dummy hash for unknown users). Lockout is keyed on account + address and checked inside the
   * hashing slot, before any hashing, so a burst of parallel guesses sees the failures before it; a locked-out
   * client's turn is one query, then 429.
   * Nothing before the slot touches the database or computes a key: a login waiting for its turn has cost only
   * its parsing, so 50 clients starting a flood at once no longer hold up case work with 100 queries
   * (bench/README.md, session 15). A login whose client has gone (`clientGone`) while it waited is dropped
   * unhashed: no verdict, so nothing to count or audit (the request log shows it as aborted).
   */
  async login(dto: LoginDto, clientAddress: string, clientGone?: AbortSignal): Promise<TokenResponse> {
    const username = dto.username.toLowerCase();
    const { ok, user, keys } = await this.hasher.withSlot(async (slot) => {
      const pairKeys = this.throttle.keys(username, clientAddress);
      await this.throttle.assertNotLocked(pairKeys);
      const found = await this.db.getRepository(UserEntity).findOneBy({ username });
      const verified = await slot.verify(found?.passwordHash ?? null, dto.password);
      const accepted = verified && !!found?.active;
      if (!accepted) await this.throttle.recordFailure(pairKeys);
      return { ok: accepted, user: found, keys: pairKeys };
    }, clientGone);
    if (!ok || !user) {
      // No username or address in the event (they are not ids); the user id only when the account exists.
      await this.audit.append({ userId: user?.id ?? null, agencyId: user?.agencyId ?? null, role: user?.role ?? null, requestId: null }, [
        { action: 'auth.login', resourceType: 'session', outcome: 'FAILURE' },
      ]);
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(keys);
    const session = await this.sessions.open(user.id);
    await this.audit.append({ userId: user.id, agencyId: user.agencyId, role: user.role, requestId: null }, [
      { action: 'auth.login', resourceType: 'session', resourceId: session.sessionId },
    ]);
    return this.issue(user, session.sessionId, session.refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const rotated = await this.sessions.rotate(refreshToken);
    return this.issue(rotated.user, rotated.sessionId, rotated.refreshToken);
  }

  async logout(actor: Actor): Promise<void> {
    await this.sessions.revoke(actor.sessionId, 'LOGOUT');
  }

  /**
   * Replaces the password (clearing a one-time password) and revokes the user's other sessions; the
   * calling session stays valid. A wrong current password counts as a failed login for lockout.
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto, clientAddress: string): Promise<void> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ id: actor.userId });
    if (!user) throw ProblemException.unauthorized('invalid-token');
    const keys = this.throttle.keys(user.username, clientAddress);
    await this.throttle.assertNotLocked(keys);
    const verified = await this.hasher.withSlot(async (slot) => {
      const ok = await slot.verify(user.passwordHash, dto.currentPassword);
      if (!ok) await this.throttle.recordFailure(keys);
      return ok;
    });
    if (!verified) {
      throw ProblemException.unprocessable('invalid-current-password', 'The current password is incorrect.', {
        errors: [{ field: 'currentPassword', message: 'currentPassword is incorrect' }],
      });
    }
    if (dto.newPassword === dto.currentPassword) {
      throw ProblemException.unprocessable('password-not-changed', 'The new password must differ from the current one.', {
        errors: [{ field: 'newPassword', message: 'newPassword must differ from currentPassword' }],
      });
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    await this.db.transaction(async (tx) => {
      await tx.update(UserEntity, { id: user.id }, { passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), updatedAt: new Date() });
      await this.sessions.revokeAllOfUser(tx, user.id, 'PASSWORD_CHANGED', actor.sessionId);
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [{ action: 'auth.password_change', resourceType: 'user', resourceId: user.id, fields: ['password'] }]);
    });
    this.sessions.forgetUser(user.id);
  }

  private issue(user: UserEntity, sessionId: string, refreshToken: string): TokenResponse {
    return {
      accessToken: this.tokens.signAccess({ sub: user.id, sid: sessionId, tv: user.tokenVersion }),
      refreshToken,
      expiresIn: this.tokens.accessTtlSeconds,
      mustChangePassword: user.mustChangePassword,
    };
  }
}
