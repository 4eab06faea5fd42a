import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { STAGES } from '../case-enums';

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STAGES })
  @IsOptional() @IsIn(STAGES)
  stage?: (typeof STAGES)[number];
}
