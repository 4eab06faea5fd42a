import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'vcm:isPublic';
/** Marks a route that needs no token (login, refresh, health, reference data). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ALLOW_PASSWORD_CHANGE_PENDING = 'vcm:allowPasswordChangePending';
/** Routes a user holding a one-time password may still call (`/auth/password`, `/auth/logout`). */
export const AllowPasswordChangePending = () => SetMetadata(ALLOW_PASSWORD_CHANGE_PENDING, true);
