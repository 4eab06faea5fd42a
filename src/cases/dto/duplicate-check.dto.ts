import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SAFE_LINE } from './person.dto';

const THIS_YEAR = new Date().getUTCFullYear();

/** Who we are looking for, and why. Values are never stored; only the purpose and outcome are audited. */
export class DuplicateCheckDto {
  @ApiProperty({ maxLength: 200, example: 'Nguyen Thi Lan' })
  @IsString() @MinLength(2) @MaxLength(200) @Matches(SAFE_LINE, { message: '$property contains control or invisible formatting characters' })
  fullName: string;

  @ApiPropertyOptional({ minimum: 1900, maximum: THIS_YEAR })
  @IsOptionalNotNull() @IsInt() @Min(1900) @Max(THIS_YEAR)
  birthYear?: number;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9-]{3,32}$' })
  @IsOptionalNotNull() @Matches(/^[A-Za-z0-9-]{3,32}$/, { message: '$property must be 3-32 letters, digits or dashes' })
  idNumber?: string;

  @ApiPropertyOptional({ pattern: '^\\+?[0-9 ().-]{6,20}$' })
  @IsOptionalNotNull() @Matches(/^\+?[0-9 ().-]{6,20}$/, { message: '$property must be a phone number' })
  phone?: string;

  @ApiProperty({ pattern: '^[A-Z0-9_]{1,64}$', example: 'RECEPTION', description: 'Why the check is made (audited)' })
  @Matches(/^[A-Z0-9_]{1,64}$/, { message: '$property must be a purpose code [A-Z0-9_]' })
  purpose: string;
}
