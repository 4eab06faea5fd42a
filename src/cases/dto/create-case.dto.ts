import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDefined,
  IsObject,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PROVINCES } from '../../agencies/provinces';
import { CHANNELS, EXPLOITATION_FORMS } from '../case-enums';

const PROVINCE_CODES = PROVINCES.map((p) => p.code);
import { AccompanyingMinorInputDto, PersonInputDto, RelativeInputDto, SAFE_TEXT } from './person.dto';

export const MAX_MINORS = 20;

/** Reception of a person: the case header, the victim (or person being identified) and accompanying minors. */
export class CreateCaseDto {
  @ApiProperty({ enum: CHANNELS, example: 'FOREIGN_HANDOVER' })
  @IsIn(CHANNELS)
  channel: (typeof CHANNELS)[number];

  @ApiProperty({ format: 'date-time', example: '2026-11-20T08:30:00+07:00' })
  @IsISO8601({ strict: true, strictSeparator: true })
  receivedAt: string;

  @ApiProperty({ enum: PROVINCE_CODES, example: '20', description: 'Official 2-digit province code (34 provinces since 1 July 2025)' })
  @IsIn(PROVINCE_CODES, { message: '$property must be one of the 34 official province codes' })
  provinceCode: string;

  @ApiPropertyOptional({ pattern: '^[0-9]{5}$', description: 'Official 5-digit commune code' })
  @IsOptionalNotNull() @Matches(/^[0-9]{5}$/, { message: '$property must be a 5-digit commune code' })
  communeCode?: string;

  @ApiPropertyOptional({ enum: EXPLOITATION_FORMS, isArray: true, maxItems: EXPLOITATION_FORMS.length })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(EXPLOITATION_FORMS.length) @ArrayUnique() @IsIn(EXPLOITATION_FORMS, { each: true })
  exploitationForms?: (typeof EXPLOITATION_FORMS)[number][];

  @ApiPropertyOptional({ pattern: '^[A-Z]{2}$', description: 'Country of exploitation (ISO 3166-1 alpha-2)' })
  @IsOptionalNotNull() @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code' })
  destinationCountry?: string;

  @ApiPropertyOptional({ maxLength: 10000, example: 'Được phía Trung Quốc trao trả tại cửa khẩu Hữu Nghị cùng con nhỏ.', description: 'Case summary. SENSITIVE, encrypted under the case key.' })
  @IsOptionalNotNull() @IsString() @MaxLength(10000) @Matches(SAFE_TEXT, { message: '$property contains control or invisible formatting characters' })
  summary?: string;

  @ApiProperty({ type: PersonInputDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => PersonInputDto)
  victim: PersonInputDto;

  @ApiPropertyOptional({ type: [AccompanyingMinorInputDto], maxItems: MAX_MINORS, description: 'Accompanying persons under 18' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(MAX_MINORS) @ValidateNested({ each: true }) @Type(() => AccompanyingMinorInputDto)
  accompanyingMinors?: AccompanyingMinorInputDto[];

  @ApiPropertyOptional({ type: [RelativeInputDto], maxItems: 10, description: 'Relatives and contacts (protected like the victim)' })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => RelativeInputDto)
  relatives?: RelativeInputDto[];
}
