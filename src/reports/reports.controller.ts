import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { ProvinceSummaryQuery } from './reports.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('province-summary')
  @ApiOperation({ summary: 'Quarterly province summary for the steering committee (aggregates only; counts 1–4 suppressed)' })
  @ApiResponse({ status: 200, schema: { type: 'object', example: { provinceCode: '20', year: 2026, quarter: 4, casesReceived: 37, bySex: { FEMALE: 31, MALE: 6 }, byChannel: { FOREIGN_HANDOVER: 22, HOTLINE_111: 9, SELF_REPORT: 6 } } } })
  @ApiProblems(400, 401, 403, 429)
  provinceSummary(@CurrentActor() actor: Actor, @Query() q: ProvinceSummaryQuery) {
    return this.reports.provinceSummary(actor, q);
  }
}
