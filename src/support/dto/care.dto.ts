import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SAFE_TEXT } from '../../cases/dto/person.dto';
import { PROTECTION_MEASURE_LIST } from '../../reference/reference-data';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_MSG = { message: '$property must be a date YYYY-MM-DD' };
const SAFE = { message: '$property contains control or invisible formatting characters' };

export class CreateProtectionMeasureDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID()
  personId: string;

  @ApiProperty({ enum: PROTECTION_MEASURE_LIST, example: 'CONFIDENTIAL_RESIDENCE' }) @IsIn(PROTECTION_MEASURE_LIST)
  type: (typeof PROTECTION_MEASURE_LIST)[number];

  @ApiProperty({ format: 'uuid', description: 'Agency that decided the measure' }) @IsUUID()
  decidedByAgencyId: string;

  @ApiProperty({ format: 'date', example: '2026-10-03' }) @Matches(DATE, DATE_MSG)
  startDate: string;

  @ApiPropertyOptional({ format: 'date' }) @IsOptionalNotNull() @Matches(DATE, DATE_MSG)
  endDate?: string;

  @ApiPropertyOptional({ description: 'The person refused the measure (a written commitment is then required)' }) @IsOptionalNotNull() @IsBoolean()
  refused?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'SENSITIVE, encrypted', example: 'Tôi tự nguyện từ chối biện pháp bảo vệ và cam kết tự chịu trách nhiệm' })
  @IsOptionalNotNull() @IsString() @MinLength(3) @MaxLength(2000) @Matches(SAFE_TEXT, SAFE)
  refusalCommitment?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'SENSITIVE, encrypted' })
  @IsOptionalNotNull() @IsString() @MaxLength(4000) @Matches(SAFE_TEXT, SAFE)
  note?: string;
}

export class UpdateProtectionMeasureDto {
  @ApiPropertyOptional({ format: 'date', example: '2026-12-31' }) @IsOptionalNotNull() @Matches(DATE, DATE_MSG)
  endDate?: string;

  @ApiPropertyOptional({ maxLength: 4000, example: 'Kết thúc bảo vệ do đối tượng đã bị bắt giữ' }) @IsOptionalNotNull() @IsString() @MaxLength(4000) @Matches(SAFE_TEXT, SAFE)
  note?: string;
}

export class CreateShelterStayDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID()
  personId: string;

  @ApiProperty({ format: 'uuid', description: 'Shelter / social-support facility' }) @IsUUID()
  facilityAgencyId: string;

  @ApiProperty({ format: 'date', example: '2026-10-02' }) @Matches(DATE, DATE_MSG)
  admittedOn: string;
}

export class UpdateShelterStayDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 365, description: 'Total extension beyond the 120-day limit (requires a reason)' })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(365)
  extensionDays?: number;

  @ApiPropertyOptional({ maxLength: 2000, description: 'SENSITIVE, encrypted', example: 'Chưa có nơi ở an toàn để trở về' })
  @IsOptionalNotNull() @IsString() @MinLength(3) @MaxLength(2000) @Matches(SAFE_TEXT, SAFE)
  extensionReason?: string;

  @ApiPropertyOptional({ format: 'date' }) @IsOptionalNotNull() @Matches(DATE, DATE_MSG)
  dischargedOn?: string;
}

export class CreateNoteDto {
  @ApiProperty({ maxLength: 10000, description: 'SENSITIVE, encrypted under the case key', example: 'Đã gặp gia đình tại xã, gia đình đồng ý đón về' })
  @IsString() @MinLength(1) @MaxLength(10000) @Matches(SAFE_TEXT, SAFE)
  body: string;
}
