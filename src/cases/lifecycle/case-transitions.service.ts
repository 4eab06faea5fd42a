import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { canTransitionCase } from '../../access/case-ability';
import { AccessReason, TRANSITION_FIELDS } from '../../access/field-registry';
import { FieldProtection } from '../../access/field-protection.service';
import { scopePredicate } from '../../access/scope-predicate';
import { AuditService, auditActorOf } from '../../audit';
import type { Actor } from '../../auth/actor';
import { FieldError, ProblemException } from '../../common/problem';
import { AppConfig } from '../../config/app-config';
import type { Stage } from '../case-enums';
import { CaseView } from '../case-view';
import { CasesRepository } from '../cases.repository';
import type { TransitionDto } from '../dto/transition.dto';
import { localDate } from './deadlines';
import { allowedTransitions, findTransition } from './stage-machine';

export interface TransitionResult {
  body: { id: string; caseNumber: string; stage: Stage; previousStage: Stage; identificationOutcome: string | null; allowedNext: Stage[] };
  etag: string;
}

/**
 * Stage transitions as commands: scope first (404), then the role's right to move cases through this reason
 * of access (403), then the stage machine (409 naming the allowed transitions), then required data (422).
 * The change, its history row and its audit event commit together.
 */
@Injectable()
export class CaseTransitionsService {
  constructor(
    private readonly repo: CasesRepository,
    private readonly protection: FieldProtection,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async transition(actor: Actor, caseId: string, dto: TransitionDto): Promise<TransitionResult> {
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.findInScope(caseId, (p) => scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE }), tx, { lock: true });
      if (!row || CaseView.forRead(actor.role, row).isEmpty) throw ProblemException.notFound('case');
      if (!canTransitionCase(actor.role, row.reasons as AccessReason[])) {
        throw ProblemException.forbidden('transition-not-permitted', 'Your role may not change the stage of this case.');
      }
      const from = row.stage as Stage;
      const edge = findTransition(from, dto.to, actor.role);
      if (!edge) {
        throw ProblemException.conflict('invalid-transition', `A case in stage ${from} cannot move to ${dto.to} by your role.`, {
          currentStage: from,
          allowed: allowedTransitions(from, actor.role),
        });
      }
      this.checkRequirements(edge.requires ?? [], dto);

      const transitionId = uuidv7();
      const caseKey = this.protection.openKey({ ownerId: row.id, kekVersion: row.key_version!, wrapped: row.key_wrapped! });
      const sealed = this.protection.seal('case_transitions', TRANSITION_FIELDS, transitionId, caseKey, {
        reason: dto.reason,
        decision: dto.decision ? JSON.stringify(dto.decision) : undefined,
      });
      const outcome = dto.to === 'IDENTIFIED_VICTIM' || dto.to === 'NOT_VICTIM' ? dto.to : (row.identification_outcome as string | null);
      const version = await this.repo.updateCase(tx, row.id, row.version, {
        stage: dto.to,
        stage_changed_at: new Date(),
        identification_outcome: outcome,
      });
      if (version === null) throw ProblemException.conflict('concurrent-change', 'The case changed meanwhile; reload and retry.');
      await this.repo.insertRow(tx, 'case_transitions', {
        id: transitionId,
        case_id: row.id,
        from_stage: from,
        to_stage: dto.to,
        actor_user_id: actor.userId,
        actor_agency_id: actor.agencyId,
        decision_document_type: dto.decision?.documentType ?? null,
        reason_enc: sealed.reason_enc ?? null,
        decision_enc: sealed.decision_enc ?? null,
      });
      const fields = ['stage', ...(dto.reason ? ['transition.reason'] : []), ...(dto.decision ? ['transition.decision', 'identificationOutcome'] : [])];
      await this.audit.appendInTransaction(tx, auditActorOf(actor), [
        { action: 'case.transition', resourceType: 'case', resourceId: row.id, fields, purpose: 'CASE_MANAGEMENT' },
      ]);
      return {
        body: {
          id: row.id,
          caseNumber: row.case_number as string,
          stage: dto.to,
          previousStage: from,
          identificationOutcome: outcome,
          allowedNext: allowedTransitions(dto.to, actor.role),
        },
        etag: `"v${version}"`,
      };
    });
  }

  private checkRequirements(requires: string[], dto: TransitionDto): void {
    const errors: FieldError[] = [];
    if (requires.includes('decision') && !dto.decision) errors.push({ field: 'decision', message: 'decision is required for this transition' });
    if (requires.includes('reason') && !dto.reason) errors.push({ field: 'reason', message: 'reason is required for this transition' });
    if (dto.decision && dto.decision.date > localDate(new Date())) errors.push({ field: 'decision.date', message: 'decision.date must not be in the future' });
    if (dto.decision && !requires.includes('decision')) errors.push({ field: 'decision', message: 'decision is only accepted for an identification outcome' });
    if (errors.length) throw ProblemException.unprocessable('missing-required-data', 'This transition needs more data.', { errors });
  }
}
