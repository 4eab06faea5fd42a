import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SAFE_LINE, SAFE_MESSAGE } from '../../common/safe-text';
import { AGENCY_TYPES } from '../agency-types';
import type { AgencyType } from '../agency-types';
import { PROVINCE_CODES } from '../provinces';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAgencyDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Đồn Biên phòng cửa khẩu Hữu Nghị' })
  @Transform(trim) @IsString() @Length(1, 200)
  @Matches(SAFE_LINE, SAFE_MESSAGE)
  name: string;

  @ApiProperty({ enum: AGENCY_TYPES })
  @IsIn(AGENCY_TYPES)
  type: AgencyType;

  @ApiProperty({ description: 'Official 2-digit province code (34 provinces since 1 July 2025)', enum: PROVINCE_CODES, minLength: 2, maxLength: 2, example: '20' })
  @IsString() @IsIn(PROVINCE_CODES, { message: 'provinceCode must be one of the 34 official province codes' })
  provinceCode: string;

  @ApiPropertyOptional({ description: '5-digit commune code', pattern: '^[0-9]{5}$', minLength: 5, maxLength: 5, example: '06271' })
  @IsOptional() @IsString() @Matches(/^[0-9]{5}$/, { message: 'communeCode must be 5 digits' })
  communeCode?: string;
}

export class AgencyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AGENCY_TYPES }) type: AgencyType;
  @ApiProperty({ example: '20' }) provinceCode: string;
  @ApiProperty({ type: String, nullable: true, example: null }) communeCode: string | null;
}

export class AgencyListResponse {
  @ApiProperty({ type: [AgencyResponse] }) items: AgencyResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
