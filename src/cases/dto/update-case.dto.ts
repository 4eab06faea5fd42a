import { ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, SAFE_LINE, SAFE_MESSAGE } from '../../common/safe-text';
import { SEXES } from '../case-enums';
import { CreateCaseDto } from './create-case.dto';
import { PersonInputDto } from './person.dto';

/** Fields a person always has: they may be changed but never set to null. */
class RequiredPersonFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200) @Matches(SAFE_LINE, SAFE_MESSAGE)
  fullName?: string;

  @ApiPropertyOptional({ enum: SEXES })
  @IsOptionalNotNull() @IsIn(SEXES)
  sex?: (typeof SEXES)[number];

  @ApiPropertyOptional({ pattern: '^[A-Z]{2}$' })
  @IsOptionalNotNull() @Matches(/^[A-Z]{2}$/, { message: '$property must be an ISO 3166-1 alpha-2 code' })
  nationality?: string;
}

/** The other person fields are optional and nullable: null clears a value. */
export class UpdatePersonDto extends IntersectionType(PartialType(OmitType(PersonInputDto, ['fullName', 'sex', 'nationality'] as const)), RequiredPersonFieldsDto) {}

/**
 * A partial update of the case and its victim. Only the fields the registry lets the caller's role write
 * for this case are accepted (403 naming the others). Requires If-Match.
 */
export class UpdateCaseDto extends PartialType(OmitType(CreateCaseDto, ['victim', 'accompanyingMinors', 'relatives', 'channel', 'receivedAt', 'provinceCode'] as const)) {
  @ApiPropertyOptional({ type: UpdatePersonDto })
  @IsOptionalNotNull() @IsObject() @ValidateNested() @Type(() => UpdatePersonDto)
  victim?: UpdatePersonDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'Assign the case to a caseworker of the owning agency (supervisors).' })
  @IsOptionalNotNull() @IsUUID('7')
  assignedUserId?: string;
}
