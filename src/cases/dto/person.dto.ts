import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LOCATIONS, MINOR_RELATIONS, SEXES } from '../case-enums';

import { IsOptionalNotNull, SAFE_LINE, SAFE_MESSAGE as SAFE_MSG, SAFE_TEXT } from '../../common/safe-text';

export { SAFE_LINE, SAFE_TEXT };
const THIS_YEAR = new Date().getUTCFullYear();

/** Identity and circumstances of one person. Every field but the STAT ones is encrypted at rest. */
export class PersonInputDto {
  @ApiProperty({ maxLength: 200, example: 'Nguyễn Thị Lan', description: 'Family name first, with or without diacritics. PERSONAL, encrypted.' })
  @IsString() @MinLength(1) @MaxLength(200) @Matches(SAFE_LINE, SAFE_MSG)
  fullName: string;

  @ApiPropertyOptional({ format: 'date', example: '2001-04-30', description: 'PERSONAL, encrypted.' })
  @IsOptionalNotNull() @IsISO8601({ strict: true, strictSeparator: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  dateOfBirth?: string;

  @ApiPropertyOptional({ minimum: 1900, maximum: THIS_YEAR, description: 'When only the year is known. PERSONAL, encrypted.' })
  @IsOptionalNotNull() @IsInt() @Min(1900) @Max(THIS_YEAR)
  birthYear?: number;

  @ApiProperty({ enum: SEXES })
  @IsIn(SEXES)
  sex: (typeof SEXES)[number];

  @ApiProperty({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2; XX = stateless/unknown', example: 'VN' })
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code' })
  nationality: string;

  @ApiPropertyOptional({ enum: LOCATIONS })
  @IsOptionalNotNull() @IsIn(LOCATIONS)
  location?: (typeof LOCATIONS)[number];

  @ApiPropertyOptional({ maxLength: 32, pattern: '^[A-Za-z0-9-]{3,32}$', example: '020304001234', description: 'ID card / passport number. PERSONAL, encrypted, blind-indexed.' })
  @IsOptionalNotNull() @IsString() @Matches(/^[A-Za-z0-9-]{3,32}$/, { message: '$property must be 3-32 letters, digits or dashes' })
  idNumber?: string;

  @ApiPropertyOptional({ maxLength: 20, pattern: '^\\+?[0-9 ().-]{6,20}$', example: '0912 345 678', description: 'PERSONAL, encrypted, blind-indexed.' })
  @IsOptionalNotNull() @IsString() @Matches(/^\+?[0-9 ().-]{6,20}$/, { message: '$property must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 300, example: 'Thôn Bản Chắt, xã Đồng Đăng, tỉnh Lạng Sơn', description: 'PERSONAL, encrypted.' })
  @IsOptionalNotNull() @IsString() @MaxLength(300) @Matches(SAFE_LINE, SAFE_MSG)
  address?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'Tày', description: 'SENSITIVE, encrypted.' })
  @IsOptionalNotNull() @IsString() @MaxLength(64) @Matches(SAFE_LINE, SAFE_MSG)
  ethnicity?: string;

  @ApiPropertyOptional({ maxLength: 10000, example: 'Bị lừa sang Trung Quốc làm việc nhẹ lương cao, sau đó bị ép kết hôn.', description: 'What happened, in the person\'s words. SENSITIVE, encrypted.' })
  @IsOptionalNotNull() @IsString() @MaxLength(10000) @Matches(SAFE_TEXT, SAFE_MSG)
  narrative?: string;
}

export class AccompanyingMinorInputDto extends PersonInputDto {
  @ApiPropertyOptional({ enum: MINOR_RELATIONS, description: 'Relation to the victim' })
  @IsOptionalNotNull() @IsIn(MINOR_RELATIONS)
  relation?: (typeof MINOR_RELATIONS)[number];
}

export const RELATIVE_RELATIONS = ['PARENT', 'SPOUSE', 'SIBLING', 'CHILD', 'GUARDIAN', 'OTHER_RELATIVE', 'CONTACT'] as const;

/** A relative or contact of the victim (người thân thích): protected like the victim, under their own key. */
export class RelativeInputDto {
  @ApiProperty({ maxLength: 200, example: 'Nguyễn Văn Hùng', description: 'PERSONAL, encrypted' })
  @IsString() @MinLength(1) @MaxLength(200) @Matches(SAFE_LINE, SAFE_MSG)
  fullName: string;

  @ApiProperty({ enum: RELATIVE_RELATIONS })
  @IsIn(RELATIVE_RELATIONS)
  relation: (typeof RELATIVE_RELATIONS)[number];

  @ApiPropertyOptional({ enum: SEXES, default: 'UNKNOWN' })
  @IsOptionalNotNull() @IsIn(SEXES)
  sex?: (typeof SEXES)[number];

  @ApiPropertyOptional({ pattern: '^[A-Z]{2}$', default: 'XX' })
  @IsOptionalNotNull() @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code' })
  nationality?: string;

  @ApiPropertyOptional({ maxLength: 20, pattern: '^\\+?[0-9 ().-]{6,20}$', description: 'PERSONAL, encrypted' })
  @IsOptionalNotNull() @IsString() @Matches(/^\+?[0-9 ().-]{6,20}$/, { message: '$property must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 300, description: 'PERSONAL, encrypted' })
  @IsOptionalNotNull() @IsString() @MaxLength(300) @Matches(SAFE_LINE, SAFE_MSG)
  address?: string;
}
