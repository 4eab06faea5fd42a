import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { CreatedUserResponse, CreateUserDto, ListUsersQuery, PasswordResetResponse, UserListResponse, UserResponse } from './dto/user.dto';
import { UsersService } from './users.service';

/**
 * User administration: SYSTEM_ADMIN only. There is deliberately no endpoint to change a user's role or
 * agency: a new role means a new account (and a clean audit trail).
 */
@ApiTags('users')
@ApiBearerAuth()
@Roles('SYSTEM_ADMIN')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user with a one-time password (generated and returned once if not given)' })
  @ApiResponse({ status: 201, type: CreatedUserResponse, description: 'Cache-Control: no-store' })
  @ApiProblems(400, 401, 403, 409, 413, 415, 422, 429)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<CreatedUserResponse> {
    return this.users.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List users (oldest first), optionally of one agency' })
  @ApiResponse({ status: 200, type: UserListResponse })
  @ApiProblems(400, 401, 403, 429)
  list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ApiResponse({ status: 200, type: UserResponse })
  @ApiProblems(400, 401, 403, 404, 429)
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<UserResponse> {
    return this.users.get(actor, id);
  }

  @Post(':id/deactivate')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deactivate a user; their sessions are revoked at once' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 403, 404, 409, 429)
  deactivate(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<void> {
    return this.users.deactivate(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate a new one-time password (returned once) and revoke the user\'s sessions' })
  @ApiResponse({ status: 200, type: PasswordResetResponse, description: 'Cache-Control: no-store' })
  @ApiProblems(400, 401, 403, 404, 429)
  resetPassword(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<PasswordResetResponse> {
    return this.users.resetPassword(actor, id);
  }
}
