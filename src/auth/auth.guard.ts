import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { Role } from '../access/roles';
import type { AgencyType } from '../agencies/agency-types';
import { ProblemException } from '../common/problem';
import { rawQuery } from '../database/raw-query';
import type { Actor } from './actor';
import { ALLOW_PASSWORD_CHANGE_PENDING, IS_PUBLIC } from './public.decorator';
import { TokenService } from './tokens';
import { ActorCacheService } from './actor-cache';

interface ActorRow {
  username: string;
  role: Role;
  agency_id: string;
  active: boolean;
  token_version: number;
  must_change_password: boolean;
  agency_type: AgencyType;
  province_code: string;
  revoked: boolean;
}

// One round trip per request: the user's current state, its agency and the session.
const ACTOR_SQL = `
  SELECT u.username, u.role, u.agency_id, u.active, u.token_version, u.must_change_password,
         a.type AS agency_type, a.province_code, (s.revoked_at IS NOT NULL) AS revoked
    FROM users u
    JOIN agencies a ON a.id = u.agency_id
    JOIN auth_sessions s ON s.id = $2 AND s.user_id = u.id
   WHERE u.id = $1`;

const invalidToken = () => ProblemException.unauthorized('invalid-token', 'The access token is missing, invalid, expired or revoked.');

/**
 * Global guard: every route needs a valid access token unless marked @Public(). The token is checked against
 * the user's and session's current state on every request — read from the database, or from a cache that the
 * database's change notifications invalidate (actor-cache.ts) — so deactivation, logout and password resets
 * take effect at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly query: ReturnType<typeof rawQuery>;

  constructor(
    private readonly reflector: Reflector,
    db: DataSource,
    private readonly tokens: TokenService,
    private readonly actors: ActorCacheService,
  ) {
    this.query = rawQuery(db);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; id?: string; actor?: Actor }>();

    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(req.headers.authorization ?? '');
    const claims = match ? this.tokens.verifyAccess(match[1]) : null;
    if (!claims) throw invalidToken();

    // The read may come from the notification-invalidated cache (actor-cache.ts); the checks below run always.
    const row = await this.actors.lookup(claims.sub, claims.sid, async () => (await this.query<ActorRow>(ACTOR_SQL, [claims.sub, claims.sid]))[0]);
    if (!row || !row.active || row.revoked || row.token_version !== claims.tv) throw invalidToken();

    if (row.must_change_password && !this.reflector.getAllAndOverride<boolean>(ALLOW_PASSWORD_CHANGE_PENDING, targets)) {
      throw ProblemException.forbidden('password-change-required', 'Change your one-time password first (POST /api/v1/auth/password).');
    }
    req.actor = {
      userId: claims.sub,
      username: row.username,
      role: row.role,
      agencyId: row.agency_id,
      agencyType: row.agency_type,
      provinceCode: row.province_code,
      sessionId: claims.sid,
      requestId: String(req.id ?? ''),
    };
    return true;
  }
}
