import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { uuidParamFor } from '../common/uuid-param';
import { CreateSupportServiceDto, UpdateSupportServiceDto } from './dto/support-service.dto';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { SupportService } from './support.service';


const entitlementsExample = {
  rulesVersion: 'law-53-2024-v1',
  persons: [
    {
      personId: '01939a7e-0000-7000-8000-000000000001',
      kind: 'VICTIM',
      status: 'IDENTIFIED_VICTIM',
      location: 'IN_VIETNAM',
      entitled: ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'TRAVEL_COSTS', 'PSYCHOLOGICAL', 'SCHOOLING', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'LOAN'],
      received: ['ESSENTIAL_NEEDS', 'MEDICAL'],
      inProgress: ['VOCATIONAL_TRAINING'],
      applications: [{ supportServiceId: '01939a7e-0000-7000-8000-0000000000aa', type: 'VOCATIONAL_TRAINING', decisionDueOn: '2026-12-03', overdue: false }],
    },
  ],
};

@ApiTags('support')
@ApiBearerAuth()
@Controller('cases/:caseId')
export class SupportController {
  constructor(private readonly support: SupportService, private readonly idempotency: IdempotencyService) {}

  @Post('support-services')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried create returns the original record' })
  @ApiOperation({ summary: 'Record an Article 37 support delivery for a person of the case (422 if the person is not entitled to it)' })
  @ApiResponse({ status: 201, description: 'The support delivery (ETag for later updates)' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async create(
    @CurrentActor() actor: Actor,
    @Param('caseId', uuidParamFor('caseId')) caseId: string,
    @Headers('idempotency-key') idem: string | undefined,
    @Body() dto: CreateSupportServiceDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const result = await this.support.create(actor, caseId, dto, this.idempotency.parseKey(idem));
    res.header('ETag', result.etag);
    return result.body;
  }

  @Get('support-services')
  @ApiOperation({ summary: 'Support deliveries of the case' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  async list(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.support.list(actor, caseId);
  }

  @Patch('support-services/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update status, end date, amount, legal basis or note (requires If-Match)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiResponse({ status: 200, description: 'The updated support delivery' })
  @ApiProblems(400, 401, 403, 404, 412, 422, 428, 429)
  async update(
    @CurrentActor() actor: Actor,
    @Param('caseId', uuidParamFor('caseId')) caseId: string,
    @Param('id', uuidParamFor('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateSupportServiceDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const result = await this.support.update(actor, caseId, id, ifMatch, dto);
    res.header('ETag', result.etag);
    return result.body;
  }

  @Get('entitlements')
  @ApiOperation({ summary: 'Per person: Article 37 status, what they are entitled to, what they received, open applications and their 9-working-day deadlines' })
  @ApiResponse({ status: 200, schema: { type: 'object', example: entitlementsExample } })
  @ApiProblems(400, 401, 404, 429)
  entitlements(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.support.entitlements(actor, caseId);
  }
}
