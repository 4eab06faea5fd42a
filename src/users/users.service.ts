import { Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere, MoreThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AgencyEntity } from '../agencies/agency.entity';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { AuditService, operatorAuditActor } from '../audit';
import { assertSystemAdmin, Operator } from '../auth/operator';
import { generateOneTimePassword, PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { ProblemException } from '../common/problem';
import { CreatedUserResponse, CreateUserDto, ListUsersQuery, PasswordResetResponse, UserResponse } from './dto/user.dto';
import { roleFitsAgency } from './role-agency';
import { UserEntity } from './user.entity';

export function toUserView(u: UserEntity): UserResponse {
  return { id: u.id, username: u.username, role: u.role, agencyId: u.agencyId, mustChangePassword: u.mustChangePassword, active: u.active };
}

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; driverError?: { code?: string } };
  return err?.code === '23505' || err?.driverError?.code === '23505';
};

export interface CreateUserOptions {
  /** CLI-set passwords are permanent; passwords set through the API or the demo seed are one-time. */
  permanent?: boolean;
}

@Injectable()
export class UsersService {
  private readonly repo: Repository<UserEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {
    this.repo = db.getRepository(UserEntity);
  }

  async create(by: Operator, dto: CreateUserDto, options: CreateUserOptions = {}): Promise<CreatedUserResponse> {
    assertSystemAdmin(by);
    const agency = await this.db.getRepository(AgencyEntity).findOneBy({ id: dto.agencyId });
    if (!agency) {
      throw ProblemException.unprocessable('agency-not-found', 'The agency does not exist.', {
        errors: [{ field: 'agencyId', message: 'agencyId does not name an existing agency' }],
      });
    }
    if (!roleFitsAgency(dto.role, agency.type)) {
      throw ProblemException.unprocessable('role-agency-mismatch', 'This role cannot belong to an agency of this type.', {
        errors: [
          { field: 'role', message: 'role is not allowed for the type of the agency' },
          { field: 'agencyId', message: 'agencyId names an agency whose type does not fit the role' },
        ],
      });
    }
    const username = dto.username.toLowerCase();
    if (await this.repo.existsBy({ username })) throw usernameTaken();
    const oneTimePassword = dto.password === undefined ? generateOneTimePassword() : undefined;
    const user = this.repo.create({
      id: uuidv7(),
      username,
      role: dto.role,
      agencyId: agency.id,
      passwordHash: await this.hasher.hash(dto.password ?? oneTimePassword!),
      mustChangePassword: !options.permanent,
      active: true,
      tokenVersion: 1,
      deactivatedAt: null,
    });
    try {
      await this.db.transaction(async (tx) => {
        await tx.getRepository(UserEntity).insert(user);
        await this.audit.appendInTransaction(tx, operatorAuditActor(by), [
          { action: 'user.create', resourceType: 'user', resourceId: user.id, fields: ['username', 'role', 'agencyId'] },
        ]);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw usernameTaken(); // a concurrent create won the race
      throw e;
    }
    return { ...toUserView(user), ...(oneTimePassword ? { oneTimePassword } : {}) };
  }

  async list(by: Operator, query: ListUsersQuery): Promise<Page<UserResponse>> {
    assertSystemAdmin(by);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const where: FindOptionsWhere<UserEntity> = {};
    if (after) where.id = MoreThan(after);
    if (query.agencyId) where.agencyId = query.agencyId;
    const rows = await this.repo.find({ where, order: { id: 'ASC' }, take: limit + 1 });
    return toPage(rows, limit, toUserView);
  }

  async get(by: Operator, id: string): Promise<UserResponse> {
    assertSystemAdmin(by);
    return toUserView(await this.require(id));
  }

  /** Deactivates and revokes every session at once (the auth guard checks both on each request). */
  async deactivate(by: Operator, id: string): Promise<void> {
    assertSystemAdmin(by);
    if (by && by.userId === id) throw ProblemException.conflict('cannot-deactivate-self', 'An administrator cannot deactivate their own account.');
    await this.require(id);
    await this.db.transaction(async (tx) => {
      await tx
        .createQueryBuilder()
        .update(UserEntity)
        .set({ active: false, deactivatedAt: () => 'coalesce(deactivated_at, now())', tokenVersion: () => 'token_version + 1', updatedAt: () => 'now()' })
        .where('id = :id', { id })
        .execute();
      await this.sessions.revokeAllOfUser(tx, id, 'DEACTIVATED');
      await this.audit.appendInTransaction(tx, operatorAuditActor(by), [{ action: 'user.deactivate', resourceType: 'user', resourceId: id, fields: ['active'] }]);
    });
    this.sessions.forgetUser(id);
  }

  /** Sets a server-generated one-time password (returned once) and revokes every session of the user. */
  async resetPassword(by: Operator, id: string): Promise<PasswordResetResponse> {
    assertSystemAdmin(by);
    const user = await this.require(id);
    const oneTimePassword = generateOneTimePassword();
    const passwordHash = await this.hasher.hash(oneTimePassword);
    await this.db.transaction(async (tx) => {
      await tx
        .createQueryBuilder()
        .update(UserEntity)
        .set({ passwordHash, mustChangePassword: true, passwordChangedAt: () => 'now()', tokenVersion: () => 'token_version + 1', updatedAt: () => 'now()' })
        .where('id = :id', { id })
        .execute();
      await this.sessions.revokeAllOfUser(tx, id, 'PASSWORD_RESET');
      await this.audit.appendInTransaction(tx, operatorAuditActor(by), [{ action: 'user.reset_password', resourceType: 'user', resourceId: id, fields: ['password'] }]);
    });
    this.sessions.forgetUser(id);
    return { id: user.id, username: user.username, mustChangePassword: true, oneTimePassword };
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ username: username.toLowerCase() });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.repo.findOneBy({ id });
    if (!user) throw ProblemException.notFound('user');
    return user;
  }
}

const usernameTaken = () =>
  ProblemException.conflict('username-taken', 'This username is already in use.', {
    errors: [{ field: 'username', message: 'username is already in use' }],
  });
