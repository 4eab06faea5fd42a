import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EntityManager } from 'typeorm';
import { permittedCaseFields } from '../access/case-ability';
import { REFERRAL_FIELDS } from '../access/field-registry';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { FieldError } from '../common/problem';
import { uuidParamFor } from '../common/uuid-param';
import type { CaseRow } from '../cases/cases.repository';
import { CasePart, CasePartsService } from '../cases/parts/case-parts.service';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CreateReferralDto, UpdateReferralDto } from './referral.dto';

const REFERRAL_PART: CasePart<keyof typeof REFERRAL_FIELDS> = {
  table: 'referrals', prefix: 'referrals.', fields: REFERRAL_FIELDS, keyOwner: 'case', audit: 'referral', purpose: 'REFERRAL',
};
/** Which agency type serves each purpose, and the role whose referral maximum caps the shared fields. */
const RECEIVER = { LEGAL_AID: ['LEGAL_AID', 'LEGAL_AID_OFFICER'], HEALTH_CARE: ['HEALTH', 'HEALTH_WORKER'], PSYCHOLOGICAL_CARE: ['HEALTH', 'HEALTH_WORKER'] } as const;
const MINOR_BANDS = ['0-5', '6-11', '12-15', '16-17'];

const send = (res: FastifyReply, r: { body: Record<string, unknown>; etag: string }) => {
  res.header('ETag', r.etag);
  return r.body;
};

/** Referrals: sharing named fields of a case with a legal-aid centre or health facility, under consent. */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('cases/:caseId/referrals')
export class ReferralsController {
  constructor(private readonly parts: CasePartsService, private readonly idempotency: IdempotencyService) {}

  private async validate(dto: CreateReferralDto, c: CaseRow, tx: EntityManager): Promise<FieldError[]> {
    const [agencyType, role] = RECEIVER[dto.purpose];
    const [agency] = await tx.query('SELECT type FROM agencies WHERE id = $1', [dto.toAgencyId]);
    const errors: FieldError[] = [];
    if (agency?.type !== agencyType) errors.push({ field: 'toAgencyId', message: `toAgencyId must be a ${agencyType} agency for this purpose` });
    const allowed = permittedCaseFields(role, 'read', ['REFERRAL']);
    dto.sharedFields.forEach((f, i) => {
      if (!allowed.has(f)) errors.push({ field: `sharedFields[${i}]`, message: `sharedFields[${i}] cannot be shared for this purpose` });
    });
    const [victim] = await tx.query(`SELECT age_band FROM persons WHERE case_id = $1 AND kind = 'VICTIM'`, [c.id]);
    if (MINOR_BANDS.includes(victim?.age_band) && dto.consentGivenBy !== 'GUARDIAN') {
      errors.push({ field: 'consentGivenBy', message: 'consentGivenBy must be GUARDIAN for a victim under 18' });
    }
    return errors;
  }

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried create returns the original referral' })
  @ApiOperation({ summary: 'Refer the case under a recorded consent: the receiving agency sees only the shared fields while the referral is active' })
  @ApiResponse({ status: 201, description: 'The referral' })
  @ApiProblems(400, 401, 403, 404, 422, 429)
  async create(
    @CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Headers('idempotency-key') idem: string | undefined, @Body() dto: CreateReferralDto, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, await this.parts.create(actor, caseId, REFERRAL_PART, { ...dto }, {
      idempotencyKey: this.idempotency.parseKey(idem),
      validate: (c, tx) => this.validate(dto, c, tx),
      derived: (c) => ({ from_agency_id: c.owner_agency_id }),
    }));
  }

  @Get()
  @ApiOperation({ summary: 'Referrals of the case (owning agency)' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 404, 429)
  list(@CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string) {
    return this.parts.list(actor, caseId, REFERRAL_PART);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the referral or record the withdrawal of consent (requires If-Match)' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiResponse({ status: 200, description: 'The referral' })
  @ApiProblems(400, 401, 403, 404, 412, 422, 428, 429)
  async update(
    @CurrentActor() actor: Actor, @Param('caseId', uuidParamFor('caseId')) caseId: string, @Param('id', uuidParamFor('id')) id: string,
    @Headers('if-match') ifMatch: string | undefined, @Body() dto: UpdateReferralDto, @Res({ passthrough: true }) res: FastifyReply,
  ) {
    return send(res, await this.parts.update(actor, caseId, REFERRAL_PART, id, ifMatch, { status: dto.status }, {
      validate: (cur) => (cur.status !== 'ACTIVE' ? [{ field: 'status', message: 'the referral is no longer active' }] : []),
      derived: () => ({ ended_at: new Date() }),
    }));
  }
}
