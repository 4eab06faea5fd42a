import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { PROVINCES } from '../agencies/provinces';

export class ProvinceSummaryQuery {
  @ApiProperty({ enum: PROVINCES.map((p) => p.code), example: '20' })
  @IsIn(PROVINCES.map((p) => p.code), { message: '$property must be one of the 34 official province codes' })
  provinceCode: string;

  @ApiProperty({ minimum: 2000, maximum: 2100, example: 2026 })
  @Type(() => Number) @IsInt() @Min(2000) @Max(2100)
  year: number;

  @ApiProperty({ minimum: 1, maximum: 4, example: 4 })
  @Type(() => Number) @IsInt() @Min(1) @Max(4)
  quarter: number;
}
