import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ROLES } from '../../access/roles';
import type { Role } from '../../access/roles';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/password-hasher';

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;
// Usernames are case-insensitive: stored and compared lower-case.
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 64, pattern: '^[a-z0-9._-]{3,64}$', description: 'Case-insensitive (stored lower-case)', example: 'lan.nguyen' })
  @Transform(lower) @IsString() @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 characters of a-z, 0-9, ".", "_", "-"' })
  username: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  agencyId: string;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
    description: 'Initial one-time password; omitted → the server generates one and returns it once',
  })
  @IsOptional() @IsString() @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  agencyId?: string;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty() mustChangePassword: boolean;
  @ApiProperty() active: boolean;
}

export class CreatedUserResponse extends UserResponse {
  @ApiPropertyOptional({ description: 'Only when the server generated the password; shown once (Cache-Control: no-store)' })
  oneTimePassword?: string;
}

export class PasswordResetResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty({ example: true }) mustChangePassword: boolean;
  @ApiProperty({ description: 'Shown once; must be changed at the next login' }) oneTimePassword: string;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
