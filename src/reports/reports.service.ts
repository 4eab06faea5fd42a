import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, auditActorOf } from '../audit';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem';
import type { ProvinceSummaryQuery } from './reports.dto';
import { suppress } from './suppression';

const THRESHOLD = 5;
const REPORT_ROLES = ['STATISTICIAN', 'SUPERVISOR'];

/**
 * Aggregate statistics for the steering committee's quarterly reports — STAT columns only, never a person,
 * with small-cell suppression. A statistician or supervisor reports on their own province.
 */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly audit: AuditService) {}

  async provinceSummary(actor: Actor, q: ProvinceSummaryQuery) {
    if (!REPORT_ROLES.includes(actor.role) || actor.provinceCode !== q.provinceCode) {
      throw ProblemException.forbidden('forbidden', 'You may report only on your own province.');
    }
    // Quarter boundaries in Viet Nam time (UTC+7).
    const from = `${q.year}-${String((q.quarter - 1) * 3 + 1).padStart(2, '0')}-01T00:00:00+07:00`;
    const to = q.quarter === 4 ? `${q.year + 1}-01-01T00:00:00+07:00` : `${q.year}-${String(q.quarter * 3 + 1).padStart(2, '0')}-01T00:00:00+07:00`;
    const params = [q.provinceCode, from, to];
    const grouped: Array<{ dim: string; key: string | null; n: string }> = await this.db.query(
      `SELECT CASE WHEN GROUPING(c.channel) = 0 THEN 'channel' WHEN GROUPING(p.sex) = 0 THEN 'sex' WHEN GROUPING(p.age_band) = 0 THEN 'ageBand'
                   WHEN GROUPING(c.identification_outcome) = 0 THEN 'identificationOutcome' ELSE 'total' END AS dim,
              COALESCE(c.channel, p.sex, p.age_band, c.identification_outcome, CASE WHEN GROUPING(c.identification_outcome) = 0 THEN 'PENDING' END) AS key,
              count(*) AS n
         FROM cases c JOIN persons p ON p.case_id = c.id AND p.kind = 'VICTIM'
        WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3
        GROUP BY GROUPING SETS ((), (c.channel), (p.sex), (p.age_band), (c.identification_outcome))`,
      params,
    );
    const forms: Array<{ key: string; n: string }> = await this.db.query(
      `SELECT f AS key, count(*) AS n FROM cases c, unnest(c.exploitation_forms) f
        WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3 GROUP BY f`,
      params,
    );
    const support: Array<{ key: string; n: string }> = await this.db.query(
      `SELECT s.type AS key, count(DISTINCT s.person_id) AS n FROM support_services s JOIN cases c ON c.id = s.case_id
        WHERE c.province_code = $1 AND c.received_at >= $2 AND c.received_at < $3 AND s.status = 'DELIVERED' GROUP BY s.type`,
      params,
    );
    const dim = (name: string) => Object.fromEntries(grouped.filter((g) => g.dim === name).map((g) => [g.key, Number(g.n)]));
    const total = Number(grouped.find((g) => g.dim === 'total')?.n ?? 0);
    const hidden = total > 0 && total < THRESHOLD;
    const publish = (cells: Record<string, number>) => (hidden ? Object.fromEntries(Object.keys(cells).map((k) => [k, null])) : suppress(cells, THRESHOLD));
    await this.audit.recordRead(auditActorOf(actor), [{ action: 'report.read', resourceType: 'report', purpose: 'STATISTICS' }]);
    return {
      provinceCode: q.provinceCode,
      year: q.year,
      quarter: q.quarter,
      period: { from, to },
      suppressionThreshold: THRESHOLD,
      casesReceived: hidden ? null : total,
      byChannel: publish(dim('channel')),
      bySex: publish(dim('sex')),
      byAgeBand: publish(dim('ageBand')),
      byIdentificationOutcome: publish(dim('identificationOutcome')),
      byExploitationForm: publish(Object.fromEntries(forms.map((f) => [f.key, Number(f.n)]))),
      personsSupportedByType: publish(Object.fromEntries(support.map((s) => [s.key, Number(s.n)]))),
    };
  }
}
