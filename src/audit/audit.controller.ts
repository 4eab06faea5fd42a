import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsQuery, AuditVerifyQuery } from './audit.dto';
import { AuditService } from './audit.service';
import { auditActorOf } from './audit.types';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('AUDITOR')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService, private readonly events: AuditEventsRepository) {}

  @Get('events')
  @ApiOperation({ summary: 'Audit events, newest first (AUDITOR). Events carry ids and field paths, never personal values.' })
  @ApiResponse({ status: 200, description: '{items, nextCursor}' })
  @ApiProblems(400, 401, 403, 429)
  async list(@CurrentActor() actor: Actor, @Query() q: AuditEventsQuery) {
    const limit = q.limit ?? 100;
    const items = await this.events.find({
      resourceType: q.resourceType,
      resourceId: q.resourceId,
      actorId: q.actorId,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeSeq: q.cursor ? Number(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    // Reading the trail is itself audited (who looked at whose trail).
    await this.audit.recordRead(auditActorOf(actor), [
      { action: 'audit.read', resourceType: q.resourceType ?? 'audit', resourceId: q.resourceId ?? null, purpose: 'AUDIT' },
    ]);
    return { items: page, nextCursor: items.length > limit ? String(page[page.length - 1].seq) : null };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the audit chain (AUDITOR): incremental from the last good checkpoint, or full' })
  @ApiResponse({ status: 200, description: '{valid, checked, firstBroken: {seq, id}|null}' })
  @ApiProblems(400, 401, 403, 429)
  verify(@Query() q: AuditVerifyQuery) {
    return this.audit.verify(q.mode ?? 'incremental');
  }
}
