import { IsOptionalNotNull } from '../common/safe-text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { SAFE_TEXT } from '../cases/dto/person.dto';

export const REFERRAL_PURPOSES = ['LEGAL_AID', 'HEALTH_CARE', 'PSYCHOLOGICAL_CARE'] as const;

export class CreateReferralDto {
  @ApiProperty({ format: 'uuid', description: 'The receiving agency (a legal-aid centre or a health facility)' })
  @IsUUID()
  toAgencyId: string;

  @ApiProperty({ enum: REFERRAL_PURPOSES })
  @IsIn(REFERRAL_PURPOSES)
  purpose: (typeof REFERRAL_PURPOSES)[number];

  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 64, pattern: '^[a-zA-Z]+(\\.[a-zA-Z]+)?$' }, maxItems: 60, example: ['victim.fullName', 'victim.dateOfBirth', 'victim.narrative'], description: 'Field paths the consent covers; the registry caps them by the receiving role' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(60) @ArrayUnique() @MaxLength(64, { each: true }) @Matches(/^[a-zA-Z]+(\.[a-zA-Z]+)?$/, { each: true, message: 'sharedFields must be field paths' })
  sharedFields: string[];

  @ApiProperty({ enum: ['VICTIM', 'GUARDIAN'], description: 'Who consented (a guardian for a minor victim)' })
  @IsIn(['VICTIM', 'GUARDIAN'])
  consentGivenBy: 'VICTIM' | 'GUARDIAN';

  @ApiProperty({ format: 'date', example: '2026-11-05' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: '$property must be a date YYYY-MM-DD' })
  consentRecordedOn: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'SENSITIVE, encrypted', example: 'Nạn nhân đồng ý chia sẻ để được trợ giúp pháp lý' })
  @IsOptionalNotNull() @IsString() @MaxLength(2000) @Matches(SAFE_TEXT, { message: '$property contains control or invisible formatting characters' })
  consentNote?: string;
}

export class UpdateReferralDto {
  @ApiProperty({ enum: ['ENDED', 'CONSENT_WITHDRAWN'], description: 'Ending the referral or withdrawing consent ends the access at once' })
  @IsIn(['ENDED', 'CONSENT_WITHDRAWN'])
  status: 'ENDED' | 'CONSENT_WITHDRAWN';
}
