import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { STAGES } from '../case-enums';
import { SAFE_LINE, SAFE_TEXT } from './person.dto';

export const DECISION_DOCUMENT_TYPES = ['DECISION', 'CONCLUSION', 'CERTIFICATE', 'NOTICE', 'OTHER'] as const;
/** Evidence the competent agency relied on (2024 law; HTCDS IdentificationBasis). */
export const EVIDENCE_BASES = [
  'PROCEDURE_AGENCY_DOCUMENTS',
  'RESCUING_AGENCY_DOCUMENTS',
  'OVERSEAS_MISSION_DOCUMENTS',
  'FOREIGN_AUTHORITY_DOCUMENTS',
  'STATEMENT_OF_PERSON',
  'STATEMENT_OF_RELATIVES',
  'STATEMENT_OF_WITNESSES',
  'STATEMENT_OF_TRAFFICKER',
  'OTHER',
] as const;
const SAFE = { message: '$property contains control or invisible formatting characters' };

/** The identification decision and its confirming document. Encrypted under the case key. */
export class IdentificationDecisionDto {
  @ApiProperty({ enum: DECISION_DOCUMENT_TYPES })
  @IsIn(DECISION_DOCUMENT_TYPES)
  documentType: (typeof DECISION_DOCUMENT_TYPES)[number];

  @ApiProperty({ maxLength: 200, example: 'Công an tỉnh Lạng Sơn' })
  @IsString() @MinLength(2) @MaxLength(200) @Matches(SAFE_LINE, SAFE)
  issuer: string;

  @ApiProperty({ maxLength: 64, example: '125/QĐ-CAT' })
  @IsString() @MinLength(1) @MaxLength(64) @Matches(SAFE_LINE, SAFE)
  number: string;

  @ApiProperty({ format: 'date', example: '2026-10-20' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '$property must be a date YYYY-MM-DD' })
  date: string;

  @ApiProperty({ enum: EVIDENCE_BASES, isArray: true, minItems: 1, maxItems: EVIDENCE_BASES.length })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(EVIDENCE_BASES.length) @ArrayUnique() @IsIn(EVIDENCE_BASES, { each: true })
  evidenceBases: (typeof EVIDENCE_BASES)[number][];
}

export class TransitionDto {
  @ApiProperty({ enum: STAGES, example: 'INITIAL_VERIFICATION' })
  @IsIn(STAGES)
  to: (typeof STAGES)[number];

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required to close or reopen. SENSITIVE, encrypted.', example: 'Đã hoàn thành hỗ trợ, tái hòa nhập ổn định' })
  @IsOptionalNotNull() @IsString() @MinLength(3) @MaxLength(2000) @Matches(SAFE_TEXT, SAFE)
  reason?: string;

  @ApiPropertyOptional({ type: IdentificationDecisionDto, description: 'Required for IDENTIFIED_VICTIM and NOT_VICTIM' })
  @IsOptionalNotNull() @ValidateNested() @Type(() => IdentificationDecisionDto)
  decision?: IdentificationDecisionDto;
}
