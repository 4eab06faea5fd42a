import { IsOptionalNotNull } from '../../common/safe-text';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { STAGES } from '../case-enums';

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STAGES })
  @IsOptionalNotNull() @IsIn(STAGES)
  stage?: (typeof STAGES)[number];
}
