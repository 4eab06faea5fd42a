import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { caseListSchema, caseResponseSchema } from '../access/openapi-schema';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ProblemException } from '../common/problem';
import { uuidParam } from '../common/uuid-param';
import { ApiProblems } from '../common/api-problems.decorator';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CaseResult, CasesService } from './cases.service';
import { CreateCaseDto } from './dto/create-case.dto';
import { ListCasesQuery } from './dto/list-cases.query';
import { Throttle } from '@nestjs/throttler';
import { DuplicateCheckService } from './duplicate-check.service';
import { DuplicateCheckDto } from './dto/duplicate-check.dto';
import { TransitionDto } from './dto/transition.dto';
import { UpdateCaseDto } from './dto/update-case.dto';
import { CaseTransitionsService } from './lifecycle/case-transitions.service';
import { OverdueService } from './lifecycle/overdue.service';

const PURPOSE = /^[A-Z0-9_]{1,64}$/;

function purposeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!PURPOSE.test(header)) throw ProblemException.validation([{ field: 'X-Access-Purpose', message: 'X-Access-Purpose must be a code [A-Z0-9_]' }]);
  return header;
}

function send(res: FastifyReply, result: CaseResult) {
  res.status(result.status).header('ETag', result.etag);
  return result.body;
}

const purposeHeader = { name: 'X-Access-Purpose', required: false, description: 'Purpose code recorded in the audit trail (default CASE_MANAGEMENT)' };

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly transitions: CaseTransitionsService,
    private readonly duplicates: DuplicateCheckService,
    private readonly overdueQueue: OverdueService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('duplicate-check')
  @HttpCode(200)
  @Throttle({ default: { limit: 30, ttl: 60_000 } })
  @ApiOperation({
    summary:
      'Is this person already known? In-scope matches return their case; an out-of-scope match only names the agency, and only when two identifiers agree. Rate-limited, purpose required, audited.',
  })
  @ApiResponse({ status: 200, schema: { type: 'object', example: { matches: [{ caseId: '0193…', caseNumber: '20-2026-000012', personId: '0193…', matchedOn: ['name', 'name_birth_year'] }], possibleMatchesElsewhere: [{ agencyId: '0193…', agencyName: 'Phòng Bảo trợ xã hội tỉnh Cao Bằng' }] } } })
  @ApiProblems(400, 401, 403, 429)
  async duplicateCheck(@CurrentActor() actor: Actor, @Body() dto: DuplicateCheckDto) {
    return this.duplicates.check(actor, dto);
  }

  @Post()
  @ApiOperation({ summary: 'Receive a person: open a case with the victim and accompanying minors' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays return the original resource' })
  @ApiResponse({ status: 201, schema: caseResponseSchema(), description: 'Created; ETag header for later updates' })
  @ApiProblems(400, 401, 403, 413, 415, 422, 429)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateCaseDto, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.cases.create(actor, dto, this.idempotency.parseKey(key)));
  }

  @Get()
  @ApiOperation({ summary: 'Cases in the caller\'s scope, newest first' })
  @ApiHeader(purposeHeader)
  @ApiResponse({ status: 200, schema: caseListSchema() })
  @ApiProblems(400, 401, 403, 429)
  async list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery, @Headers('x-access-purpose') purpose: string | undefined) {
    return this.cases.list(actor, query, purposeOf(purpose));
  }

  @Get('overdue')
  @ApiOperation({ summary: 'Legal deadlines passed in the caller\'s scope (initial verification, verification tasks, shelter stays, applications)' })
  @ApiResponse({ status: 200, schema: { type: 'object', example: { items: [{ caseId: '0193…', caseNumber: '20-2026-000007', stage: 'RECEIVED', kind: 'INITIAL_VERIFICATION', dueOn: '2026-10-05', daysOverdue: 3 }], nextCursor: null } } })
  @ApiProblems(401, 429)
  overdue(@CurrentActor() actor: Actor) {
    return this.overdueQueue.list(actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One case, with the fields the caller may see (ETag)' })
  @ApiHeader(purposeHeader)
  @ApiResponse({ status: 200, schema: caseResponseSchema() })
  @ApiProblems(400, 401, 403, 404, 429)
  async get(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string, @Headers('x-access-purpose') purpose: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.cases.get(actor, id, purposeOf(purpose)));
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update case and victim fields (requires If-Match with the current ETag)' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag from the last read' })
  @ApiResponse({ status: 200, schema: caseResponseSchema() })
  @ApiProblems(400, 401, 403, 404, 412, 422, 428, 429)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam) id: string,
    @Body() dto: UpdateCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('x-access-purpose') purpose: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return send(res, await this.cases.update(actor, id, ifMatch, dto, purposeOf(purpose)));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the case through the stage machine (a command: no If-Match). 409 names the allowed transitions; 422 names missing data.',
  })
  @ApiResponse({
    status: 200,
    description: 'The new stage; ETag of the case',
    schema: {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        caseNumber: { type: 'string' },
        stage: { type: 'string' },
        previousStage: { type: 'string' },
        identificationOutcome: { type: 'string', nullable: true },
        allowedNext: { type: 'array', items: { type: 'string' } },
      },
    },
  })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429)
  async transition(@CurrentActor() actor: Actor, @Param('id', uuidParam) id: string, @Body() dto: TransitionDto, @Res({ passthrough: true }) res: FastifyReply) {
    const result = await this.transitions.transition(actor, id, dto);
    res.header('ETag', result.etag);
    return result.body;
  }
}
