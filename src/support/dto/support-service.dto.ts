import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { SAFE_LINE, SAFE_TEXT } from '../../cases/dto/person.dto';
import { SUPPORT_TYPE_LIST } from '../../reference/reference-data';

export const SUPPORT_STATUSES = ['PLANNED', 'IN_PROGRESS', 'DELIVERED', 'DECLINED'] as const;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_MSG = { message: '$property must be a date YYYY-MM-DD' };

/** One Article 37 support delivery to one person of the case. */
export class CreateSupportServiceDto {
  @ApiProperty({ format: 'uuid', description: 'The victim or accompanying minor receiving the support' })
  @IsUUID()
  personId: string;

  @ApiProperty({ enum: SUPPORT_TYPE_LIST, example: 'ESSENTIAL_NEEDS' })
  @IsIn(SUPPORT_TYPE_LIST)
  type: (typeof SUPPORT_TYPE_LIST)[number];

  @ApiProperty({ enum: SUPPORT_STATUSES, example: 'IN_PROGRESS' })
  @IsIn(SUPPORT_STATUSES)
  status: (typeof SUPPORT_STATUSES)[number];

  @ApiProperty({ format: 'uuid', description: 'Agency providing the support' })
  @IsUUID()
  providerAgencyId: string;

  @ApiProperty({ format: 'date', example: '2026-10-03' })
  @Matches(DATE, DATE_MSG)
  startDate: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-31' })
  @IsOptionalNotNull() @Matches(DATE, DATE_MSG)
  endDate?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000_000_000, description: 'Amount paid in VND (required for money support)', example: 1500000 })
  @IsOptionalNotNull() @IsInt() @Min(0) @Max(10_000_000_000)
  amountVnd?: number;

  @ApiPropertyOptional({ maxLength: 200, example: 'Điều 37 khoản 1 điểm a Luật Phòng, chống mua bán người 2024; Nghị định …' })
  @IsOptionalNotNull() @IsString() @MaxLength(200) @Matches(SAFE_LINE, { message: '$property contains control or invisible formatting characters' })
  legalBasis?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'SENSITIVE, encrypted under the person\'s key', example: 'Bố trí ở tạm tại cơ sở trợ giúp xã hội tỉnh' })
  @IsOptionalNotNull() @IsString() @MaxLength(4000) @Matches(SAFE_TEXT, { message: '$property contains control or invisible formatting characters' })
  note?: string;

  @ApiPropertyOptional({ format: 'date', description: 'For schooling, vocational training and hardship allowance: when the application was submitted' })
  @IsOptionalNotNull() @Matches(DATE, DATE_MSG)
  applicationSubmittedOn?: string;
}

/** Status and dates change over time; who and what do not. Requires If-Match. */
export class UpdateSupportServiceDto extends PartialType(PickType(CreateSupportServiceDto, ['status', 'endDate', 'amountVnd', 'legalBasis', 'note'] as const)) {}
