import { IsOptionalNotNull } from '../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { SAFE_TEXT } from '../cases/dto/person.dto';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class CreateVerificationTaskDto {
  @ApiProperty({ format: 'uuid', example: '0193a1b2-0000-7000-8000-000000000020', description: 'The POLICE agency asked to verify and identify' })
  @IsUUID()
  assignedAgencyId: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-12', description: 'Default: the rules\' police identification period (20 days) from today' })
  @IsOptionalNotNull() @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  dueOn?: string;
}

export class UpdateVerificationTaskDto {
  @ApiPropertyOptional({ enum: ['COMPLETED', 'CANCELLED'] })
  @IsOptionalNotNull() @IsIn(['COMPLETED', 'CANCELLED'])
  status?: 'COMPLETED' | 'CANCELLED';

  @ApiPropertyOptional({ maxLength: 10000, description: 'Verification findings. SENSITIVE, encrypted under the case key.', example: 'Đã xác minh lời khai với Công an xã Đồng Đăng' })
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(10000) @Matches(SAFE_TEXT, { message: '$property contains control or invisible formatting characters' })
  findings?: string;
}
