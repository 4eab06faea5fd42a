import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { uuidParamFor } from '../common/uuid-param';
import { CreateVerificationTaskDto, UpdateVerificationTaskDto } from './verification.dto';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { VerificationService } from './verification.service';


@ApiTags('verification')
@ApiBearerAuth()
@Controller()
export class VerificationController {
  constructor(private readonly verification: VerificationService, private readonly idempotency: IdempotencyService) {}

  @Post('cases/:caseId/verification-tasks')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried create returns the original task' })
  @ApiOperation({ summary: 'Ask the police to verify and identify (gives the assigned agency access while the task is open)' })
  @ApiResponse({ status: 201, description: 'The task, with its due date (20 days by default)' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async create(
    @CurrentActor() actor: Actor,
    @Param('caseId', uuidParamFor('caseId')) caseId: string,
    @Headers('idempotency-key') idem: string | undefined,
    @Body() dto: CreateVerificationTaskDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.verification.create(actor, caseId, dto, this.idempotency.parseKey(idem));
    res.header('ETag', r.etag);
    return r.body;
  }

  @Get('cases/:caseId/verification-tasks')
  @ApiOperation({ summary: 'Verification tasks of a case' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  list(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.verification.listForCase(actor, caseId);
  }

  @Patch('cases/:caseId/verification-tasks/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record findings / complete a task (the assigned police agency; requires If-Match)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiResponse({ status: 200, description: 'The updated task' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 428, 429)
  async update(
    @CurrentActor() actor: Actor,
    @Param('caseId', uuidParamFor('caseId')) caseId: string,
    @Param('id', uuidParamFor('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateVerificationTaskDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.verification.update(actor, caseId, id, ifMatch, dto);
    res.header('ETag', r.etag);
    return r.body;
  }

  @Get('verification-tasks')
  @ApiOperation({ summary: 'Open verification tasks assigned to the caller\'s agency (police work queue), earliest due first' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(401, 429)
  queue(@CurrentActor() actor: Actor) {
    return this.verification.queue(actor);
  }
}
