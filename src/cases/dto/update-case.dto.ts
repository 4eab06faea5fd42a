import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { CreateCaseDto } from './create-case.dto';
import { PersonInputDto } from './person.dto';

export class UpdatePersonDto extends PartialType(PersonInputDto) {}

/**
 * A partial update of the case and its victim. Only the fields the registry lets the caller's role write
 * for this case are accepted (403 naming the others). Requires If-Match.
 */
export class UpdateCaseDto extends PartialType(OmitType(CreateCaseDto, ['victim', 'accompanyingMinors', 'relatives', 'channel', 'receivedAt', 'provinceCode'] as const)) {
  @ApiPropertyOptional({ type: UpdatePersonDto })
  @IsOptional() @ValidateNested() @Type(() => UpdatePersonDto)
  victim?: UpdatePersonDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'Assign the case to a caseworker of the owning agency (supervisors).' })
  @IsOptional() @IsUUID('7')
  assignedUserId?: string;
}
