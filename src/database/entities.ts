/**
 * Every TypeORM entity, listed once (the app, the CLI and the tests share this list).
 * Add a new module's entities here.
 */
import { AgencyEntity } from '../agencies/agency.entity';
import { RefreshTokenEntity, SessionEntity } from '../auth/session.entity';
import { UserEntity } from '../users/user.entity';

export const entities: Function[] = [AgencyEntity, UserEntity, SessionEntity, RefreshTokenEntity];
