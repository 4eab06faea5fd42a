import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-hasher';

export class LoginDto {
  @ApiProperty({ maxLength: 64, example: 'demo.caseworker' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  username: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the last refresh (single use)', maxLength: 200 })
  @IsString() @IsNotEmpty() @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, format: 'password' })
  @IsString() @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class TokenResponse {
  @ApiProperty({ description: 'JWT (HS256) for the Authorization: Bearer header' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single-use; rotate with POST /auth/refresh' }) refreshToken: string;
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn: number;
  @ApiProperty({ description: 'True while the password is a one-time password: only /auth/password and /auth/logout work' })
  mustChangePassword: boolean;
}
