import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { FieldError } from '../common/problem';
import { uuidParamFor } from '../common/uuid-param';
import { calendarDeadline } from '../cases/lifecycle/deadlines';
import { rulesFor } from '../cases/lifecycle/lifecycle-rules';
import { CasePartsService } from '../cases/parts/case-parts.service';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { NOTE_PART, PROTECTION_PART, SHELTER_PART } from './care.parts';
import { CreateNoteDto, CreateProtectionMeasureDto, CreateShelterStayDto, UpdateProtectionMeasureDto, UpdateShelterStayDto } from './dto/care.dto';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'A retried create returns the original resource' };
const send = (res: FastifyReply, r: { body: Record<string, unknown>; etag: string }) => {
  res.header('ETag', r.etag);
  return r.body;
};
const plusDays = (date: string, days: number) => calendarDeadline(new Date(`${date}T12:00:00+07:00`), days);

async function agencyOfType(tx: EntityManager, id: string, types: string[], field: string): Promise<FieldError[]> {
  const [a] = await tx.query('SELECT type FROM agencies WHERE id = $1', [id]);
  return a && types.includes(a.type) ? [] : [{ field, message: `${field} must be an agency of type ${types.join(' or ')}` }];
}

/** Protection measures, shelter stays and case notes: thin HTTP over the case-parts store and its rules. */
@ApiTags('protection')
@ApiBearerAuth()
@Controller('cases/:caseId')
export class CareController {
  constructor(private readonly parts: CasePartsService, private readonly idempotency: IdempotencyService) {}

  @Post('protection-measures')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Record a protection measure for a person (a refusal needs a written commitment)' })
  @ApiResponse({ status: 201, description: 'The measure' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async createMeasure(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Headers('idempotency-key') idem: string | undefined, @Body() dto: CreateProtectionMeasureDto, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.parts.create(actor, caseId, PROTECTION_PART, { ...dto }, {
      idempotencyKey: this.idempotency.parseKey(idem),
      validate: async (_c, tx) => [
        ...(dto.refused && !dto.refusalCommitment ? [{ field: 'refusalCommitment', message: 'refusalCommitment is required when the measure is refused' }] : []),
        ...(dto.endDate && dto.endDate < dto.startDate ? [{ field: 'endDate', message: 'endDate must not be before startDate' }] : []),
        ...(await agencyOfType(tx, dto.decidedByAgencyId, ['SOCIAL_AFFAIRS', 'POLICE', 'BORDER_GUARD', 'SHELTER', 'COMMUNE_PC'], 'decidedByAgencyId')),
      ],
    }));
  }

  @Get('protection-measures')
  @ApiOperation({ summary: 'Protection measures of the case' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  listMeasures(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.parts.list(actor, caseId, PROTECTION_PART);
  }

  @Patch('protection-measures/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a measure or update its note (requires If-Match)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiResponse({ status: 200, description: 'The measure' })
  @ApiProblems(400, 401, 403, 404, 412, 422, 428, 429)
  async updateMeasure(
    @CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Param('id', uuidParamFor('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined, @Body() dto: UpdateProtectionMeasureDto, @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return send(res, await this.parts.update(actor, caseId, PROTECTION_PART, id, ifMatch, { ...dto }, {
      validate: (cur) => (dto.endDate && dto.endDate < (cur.start_date as string) ? [{ field: 'endDate', message: 'endDate must not be before startDate' }] : []),
    }));
  }

  @Post('shelter-stays')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Admit a person to a shelter: the planned exit is the 120-day limit of the case\'s rules' })
  @ApiResponse({ status: 201, description: 'The stay with plannedExitOn' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async createStay(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Headers('idempotency-key') idem: string | undefined, @Body() dto: CreateShelterStayDto, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.parts.create(actor, caseId, SHELTER_PART, { ...dto }, {
      idempotencyKey: this.idempotency.parseKey(idem),
      validate: (_c, tx) => agencyOfType(tx, dto.facilityAgencyId, ['SHELTER', 'SOCIAL_AFFAIRS', 'HEALTH'], 'facilityAgencyId'),
      derived: (c) => ({ planned_exit_on: plusDays(dto.admittedOn, rulesFor(c.rules_version as string).deadlines.shelterDays) }),
    }));
  }

  @Get('shelter-stays')
  @ApiOperation({ summary: 'Shelter stays of the case' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  listStays(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.parts.list(actor, caseId, SHELTER_PART);
  }

  @Patch('shelter-stays/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend (with a reason) or discharge (requires If-Match)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiResponse({ status: 200, description: 'The stay' })
  @ApiProblems(400, 401, 403, 404, 412, 422, 428, 429)
  async updateStay(
    @CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Param('id', uuidParamFor('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined, @Body() dto: UpdateShelterStayDto, @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return send(res, await this.parts.update(actor, caseId, SHELTER_PART, id, ifMatch, { ...dto }, {
      validate: (cur) => [
        ...(dto.extensionDays && !dto.extensionReason && !cur.extension_reason_enc ? [{ field: 'extensionReason', message: 'extensionReason is required to extend a stay' }] : []),
        ...(dto.dischargedOn && dto.dischargedOn < (cur.admitted_on as string) ? [{ field: 'dischargedOn', message: 'dischargedOn must not be before admittedOn' }] : []),
      ],
      derived: (cur, c) =>
        dto.extensionDays === undefined ? {} : { planned_exit_on: plusDays(cur.admitted_on as string, rulesFor(c.rules_version as string).deadlines.shelterDays + dto.extensionDays) },
    }));
  }

  @Post('notes')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Add a case note (encrypted under the case key; notes are append-only)' })
  @ApiResponse({ status: 201, description: 'The note' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async createNote(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Headers('idempotency-key') idem: string | undefined, @Body() dto: CreateNoteDto, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.parts.create(actor, caseId, NOTE_PART, { body: dto.body }, { idempotencyKey: this.idempotency.parseKey(idem) }));
  }

  @Get('notes')
  @ApiOperation({ summary: 'Case notes, oldest first' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  listNotes(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.parts.list(actor, caseId, NOTE_PART);
  }
}
