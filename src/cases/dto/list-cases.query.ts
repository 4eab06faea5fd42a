import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { STAGES } from '../case-enums';

export class ListCasesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 64, description: 'Opaque cursor from the previous page' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: '$property is not a valid cursor' })
  cursor?: string;

  @ApiPropertyOptional({ enum: STAGES })
  @IsOptional() @IsIn(STAGES)
  stage?: (typeof STAGES)[number];
}
