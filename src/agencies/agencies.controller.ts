import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { AgenciesService } from './agencies.service';
import { AgencyListResponse, AgencyResponse, CreateAgencyDto } from './dto/agency.dto';
import { PageQuery } from '../common/pagination';
import { uuidParam } from '../common/uuid-param';

/** Agency administration: SYSTEM_ADMIN only (the directory is not yet exposed to other roles). */
@ApiTags('agencies')
@ApiBearerAuth()
@Roles('SYSTEM_ADMIN')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Post()
  @ApiOperation({ summary: 'Create an agency' })
  @ApiResponse({ status: 201, type: AgencyResponse })
  @ApiProblems(400, 401, 403, 413, 415, 429)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateAgencyDto): Promise<AgencyResponse> {
    return this.agencies.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List agencies (oldest first)' })
  @ApiResponse({ status: 200, type: AgencyListResponse })
  @ApiProblems(400, 401, 403, 429)
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery) {
    return this.agencies.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agency' })
  @ApiResponse({ status: 200, type: AgencyResponse })
  @ApiProblems(400, 401, 403, 404, 429)
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string): Promise<AgencyResponse> {
    return this.agencies.get(actor, id);
  }
}
