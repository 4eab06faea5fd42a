import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '../common/problem';
import type { Role } from '../access/roles';
import type { Actor } from './actor';

export const ROLES_KEY = 'vcm:roles';

/**
 * Route-level role gate for administrative endpoints (agencies, users, audit). Case data is guarded by
 * the privacy core (access/): field registry + record scope, not by this decorator.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!roles?.length) return true;
    const actor = ctx.switchToHttp().getRequest<{ actor?: Actor }>().actor;
    if (!actor || !roles.includes(actor.role)) throw ProblemException.forbidden('forbidden', 'Your role may not use this operation.');
    return true;
  }
}
