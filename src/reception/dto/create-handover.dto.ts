import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { AccompanyingMinorInputDto, PersonInputDto, SAFE_LINE, SAFE_TEXT } from '../../cases/dto/person.dto';
import { PageQuery } from '../../common/pagination';
import { SCREENING_OUTCOME_LIST } from '../../reference/reference-data';

const SAFE = { message: '$property contains control or invisible formatting characters' };
export const HANDOVER_DOCUMENT_TYPES = ['HANDOVER_RECORD', 'LIST_OF_PERSONS', 'IDENTITY_DOCUMENT', 'DECLARATION_FORM', 'CERTIFICATE_OF_RETURN', 'MEDICAL_RECORD', 'OTHER'] as const;
export const MAX_HANDOVER_PERSONS = 200;

export class HandoverOfficerDto {
  @ApiProperty({ maxLength: 200, example: 'Thiếu tá Hoàng Văn Dũng' })
  @IsString() @MinLength(2) @MaxLength(200) @Matches(SAFE_LINE, SAFE)
  name: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Đồn Biên phòng cửa khẩu quốc tế Hữu Nghị' })
  @IsOptionalNotNull() @IsString() @MaxLength(200) @Matches(SAFE_LINE, SAFE)
  unit?: string;
}

export class HandoverDocumentDto {
  @ApiProperty({ enum: HANDOVER_DOCUMENT_TYPES })
  @IsIn(HANDOVER_DOCUMENT_TYPES)
  type: (typeof HANDOVER_DOCUMENT_TYPES)[number];

  @ApiProperty({ minimum: 1, maximum: 500 })
  @IsInt() @Min(1) @Max(500)
  count: number;

  @ApiPropertyOptional({ maxLength: 100, example: 'Biên bản giao nhận số 12/BB' })
  @IsOptionalNotNull() @IsString() @MaxLength(100) @Matches(SAFE_LINE, SAFE)
  reference?: string;
}

/** One person of the roll call: identity, health on arrival, screening outcome, non-punishment note, children. */
export class HandoverPersonDto extends OmitType(PersonInputDto, ['location', 'narrative', 'phone', 'address', 'ethnicity'] as const) {
  @ApiPropertyOptional({ maxLength: 2000, description: 'SENSITIVE, encrypted', example: 'Sức khỏe yếu, có dấu hiệu bị bạo lực' })
  @IsOptionalNotNull() @IsString() @MaxLength(2000) @Matches(SAFE_TEXT, SAFE)
  healthOnArrival?: string;

  @ApiProperty({ enum: SCREENING_OUTCOME_LIST })
  @IsIn(SCREENING_OUTCOME_LIST)
  screeningOutcome: (typeof SCREENING_OUTCOME_LIST)[number];

  @ApiPropertyOptional({ maxLength: 2000, description: 'A possible victim must not be punished for crossing illegally. SENSITIVE, encrypted.', example: 'Không xử phạt hành vi xuất cảnh trái phép' })
  @IsOptionalNotNull() @IsString() @MaxLength(2000) @Matches(SAFE_TEXT, SAFE)
  nonPunishmentNote?: string;

  @ApiPropertyOptional({ type: [AccompanyingMinorInputDto], maxItems: 20 })
  @IsOptionalNotNull() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => AccompanyingMinorInputDto)
  accompanyingMinors?: AccompanyingMinorInputDto[];
}

export class CreateHandoverDto {
  @ApiProperty({ maxLength: 200, example: 'Cục Quản lý xuất nhập cảnh Bằng Tường, Quảng Tây' })
  @IsString() @MinLength(2) @MaxLength(200) @Matches(SAFE_LINE, SAFE)
  foreignAuthority: string;

  @ApiProperty({ pattern: '^[A-Z]{2}$', example: 'CN' })
  @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code' })
  country: string;

  @ApiProperty({ maxLength: 200, example: 'Cửa khẩu quốc tế Hữu Nghị' })
  @IsString() @MinLength(2) @MaxLength(200) @Matches(SAFE_LINE, SAFE)
  borderGate: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-18T10:00:00+07:00' })
  @IsISO8601({ strict: true, strictSeparator: true })
  handedOverAt: string;

  @ApiProperty({ format: 'uuid', description: 'The SOCIAL_AFFAIRS agency receiving the possible victims' })
  @IsUUID()
  receivingAgencyId: string;

  @ApiProperty({ type: [HandoverOfficerDto], minItems: 1, maxItems: 20, description: 'Receiving officers (PERSONAL, encrypted)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => HandoverOfficerDto)
  officers: HandoverOfficerDto[];

  @ApiProperty({ type: [HandoverDocumentDto], maxItems: 50, description: 'Documents received (encrypted)' })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => HandoverDocumentDto)
  documents: HandoverDocumentDto[];

  @ApiProperty({ type: [HandoverPersonDto], minItems: 1, maxItems: MAX_HANDOVER_PERSONS })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_HANDOVER_PERSONS) @ValidateNested({ each: true }) @Type(() => HandoverPersonDto)
  persons: HandoverPersonDto[];
}

/** `?limit=&cursor=` of the list contract. */
export class ListHandoversQuery extends PageQuery {}
