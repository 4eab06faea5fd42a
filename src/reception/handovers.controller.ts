import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { uuidParam } from '../common/uuid-param';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CreateHandoverDto, ListHandoversQuery } from './dto/create-handover.dto';
import { HandoversService } from './handovers.service';


@ApiTags('handovers')
@ApiBearerAuth()
@Controller('handovers')
export class HandoversController {
  constructor(private readonly handovers: HandoversService, private readonly idempotency: IdempotencyService) {}

  @Post()
  @ApiOperation({ summary: 'Record a border handover and its roll call (BORDER_GUARD); each POSSIBLE_VICTIM becomes a case at the receiving agency' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried handover never creates a second group or second cases' })
  @ApiResponse({ status: 201, schema: { type: 'object', example: { id: '0193…', cases: [{ id: '0193…', caseNumber: '20-2026-000042', personIndex: 0 }] } } })
  @ApiProblems(400, 401, 403, 413, 415, 422, 429)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateHandoverDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    const result = await this.handovers.create(actor, dto, this.idempotency.parseKey(key));
    res.status(result.status);
    return result.body;
  }

  @Get()
  @ApiOperation({ summary: 'Handovers recorded by (or received at) the caller\'s agency, newest first; with the number and stage of the cases they opened' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 429)
  async list(@CurrentActor() actor: Actor, @Query() q: ListHandoversQuery) {
    return this.handovers.list(actor, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One handover: the recording unit sees the roll call; the receiving agency the header' })
  @ApiResponse({ status: 200, description: 'The handover record' })
  @ApiProblems(400, 401, 404, 429)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string) {
    return this.handovers.get(actor, id);
  }
}
