import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export class AuditEventsQuery {
  @ApiPropertyOptional({ maxLength: 64, pattern: '^[a-z][a-z0-9_.-]{0,63}$' })
  @IsOptional() @Matches(/^[a-z][a-z0-9_.-]{0,63}$/, { message: '$property must be a resource type code' })
  resourceType?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  resourceId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ maxLength: 64, pattern: '^[a-z][a-z0-9_.-]{0,63}$', example: 'case.read' })
  @IsOptional() @Matches(/^[a-z][a-z0-9_.-]{0,63}$/, { message: '$property must be an action code' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 20, pattern: '^[0-9]{1,19}$', description: 'Opaque cursor from the previous page' })
  @IsOptional() @Matches(/^[0-9]{1,19}$/, { message: '$property is not a valid cursor' })
  cursor?: string;
}

export class AuditVerifyQuery {
  @ApiPropertyOptional({ enum: ['incremental', 'full'], default: 'incremental' })
  @IsOptional() @IsIn(['incremental', 'full'])
  mode?: 'incremental' | 'full';
}
