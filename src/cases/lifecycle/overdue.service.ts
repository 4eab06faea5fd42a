import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { scopePredicate } from '../../access/scope-predicate';
import { SqlParams } from '../../access/sql-params';
import { AuditService, auditActorOf } from '../../audit';
import type { Actor } from '../../auth/actor';
import { AppConfig } from '../../config/app-config';
import { RULES_VERSIONS } from './lifecycle-rules';

export interface OverdueItem {
  caseId: string;
  caseNumber: string;
  stage: string;
  kind: 'INITIAL_VERIFICATION' | 'VERIFICATION_TASK' | 'SHELTER_STAY' | 'APPLICATION';
  dueOn: string;
  daysOverdue: number;
}

const TODAY = `(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/**
 * The overdue queue: legal deadlines passed in the actor's scope — initial verification (3 days from
 * reception, per the case's rules version), open verification tasks, shelter stays past their planned exit,
 * and undecided applications past their 9-working-day due date. Case header fields only.
 */
@Injectable()
export class OverdueService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly audit: AuditService, private readonly config: AppConfig) {}

  async list(actor: Actor): Promise<{ items: OverdueItem[]; nextCursor: null }> {
    const p = new SqlParams();
    const scope = scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE });
    const verificationDays = Object.values(RULES_VERSIONS).map((r) => `WHEN '${r.version.replace(/'/g, '')}' THEN ${Number(r.deadlines.initialVerificationDays)}`).join(' ');
    const rows: Array<{ case_id: string; case_number: string; stage: string; kind: OverdueItem['kind']; due_on: string }> = await this.db.query(
      `WITH scoped AS (SELECT c.* FROM cases c WHERE ${scope.where})
       SELECT id AS case_id, case_number, stage, 'INITIAL_VERIFICATION' AS kind,
              ((received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + (CASE rules_version ${verificationDays} ELSE 3 END))::text AS due_on
         FROM scoped WHERE stage IN ('RECEIVED', 'INITIAL_VERIFICATION')
       UNION ALL
       SELECT s.id, s.case_number, s.stage, 'VERIFICATION_TASK', v.due_on::text FROM scoped s JOIN verification_tasks v ON v.case_id = s.id AND v.status = 'OPEN'
       UNION ALL
       SELECT s.id, s.case_number, s.stage, 'SHELTER_STAY', h.planned_exit_on::text FROM scoped s JOIN shelter_stays h ON h.case_id = s.id AND h.discharged_on IS NULL
       UNION ALL
       SELECT s.id, s.case_number, s.stage, 'APPLICATION', a.decision_due_on::text FROM scoped s
         JOIN support_services a ON a.case_id = s.id AND a.status IN ('PLANNED', 'IN_PROGRESS') AND a.decision_due_on IS NOT NULL`,
      p.values,
    );
    const [{ today }] = (await this.db.query(`SELECT ${TODAY}::text AS today`)) as Array<{ today: string }>;
    const items = rows
      .filter((r) => r.due_on < today)
      .map((r) => ({
        caseId: r.case_id,
        caseNumber: r.case_number,
        stage: r.stage,
        kind: r.kind,
        dueOn: r.due_on,
        daysOverdue: Math.round((Date.parse(today) - Date.parse(r.due_on)) / 86_400_000),
      }))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.caseNumber.localeCompare(b.caseNumber));
    if (items.length) {
      await this.audit.recordRead(auditActorOf(actor), [
        { action: 'case.overdue', resourceType: 'case', resourceIds: [...new Set(items.map((i) => i.caseId))], fields: ['caseNumber', 'stage'], purpose: 'CASE_MANAGEMENT' },
      ]);
    }
    return { items, nextCursor: null };
  }
}
