import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlParams } from '../access/sql-params';

export interface HandoverRow extends Record<string, unknown> {
  id: string;
  recorded_by_agency_id: string;
  receiving_agency_id: string;
  key_version: number;
  key_wrapped: Buffer;
}

/** SQL of handover records. Visibility (recording unit / receiving agency) is decided by the caller's SQL filter. */
@Injectable()
export class HandoversRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(tx: EntityManager, table: 'handovers' | 'handover_persons', row: Record<string, unknown>): Promise<void> {
    const p = new SqlParams();
    const cols = Object.keys(row);
    await tx.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => p.add(row[c])).join(', ')})`, p.values);
  }

  /** A handover the agency recorded or receives; null otherwise (the caller answers 404 either way). */
  async findVisible(id: string, agencyId: string, tx?: EntityManager): Promise<HandoverRow | null> {
    const rows: HandoverRow[] = await (tx ?? this.db).query(
      `SELECT h.*, k.kek_version AS key_version, k.wrapped AS key_wrapped
         FROM handovers h JOIN data_keys k ON k.owner_id = h.id
        WHERE h.id = $1 AND (h.recorded_by_agency_id = $2 OR h.receiving_agency_id = $2)`,
      [id, agencyId],
    );
    return rows[0] ?? null;
  }

  async listVisible(agencyId: string, opts: { limit: number; before?: string; recordedOnly: boolean }): Promise<HandoverRow[]> {
    const p = new SqlParams();
    const agency = p.add(agencyId);
    const where = [opts.recordedOnly ? `h.recorded_by_agency_id = ${agency}` : `(h.recorded_by_agency_id = ${agency} OR h.receiving_agency_id = ${agency})`];
    if (opts.before) where.push(`h.id < ${p.add(opts.before)}::uuid`);
    return this.db.query(
      `SELECT h.id, h.recorded_by_agency_id, h.receiving_agency_id, h.foreign_authority, h.country, h.border_gate, h.handed_over_at,
              h.person_count, h.created_at, NULL::integer AS key_version, NULL::bytea AS key_wrapped
         FROM handovers h WHERE ${where.join(' AND ')} ORDER BY h.id DESC LIMIT ${p.add(opts.limit)}`,
      p.values,
    );
  }

  persons(handoverId: string, tx?: EntityManager): Promise<Array<Record<string, any>>> {
    return (tx ?? this.db).query(
      `SELECT hp.*, k.kek_version AS key_version, k.wrapped AS key_wrapped
         FROM handover_persons hp JOIN data_keys k ON k.owner_id = hp.id
        WHERE hp.handover_id = $1 ORDER BY hp.ordinal`,
      [handoverId],
    );
  }

  /** Cases opened by these handovers, restricted by the caller's case-scope predicate. */
  async spawnedCases(handoverIds: string[], scope: (p: SqlParams) => { where: string }, tx?: EntityManager): Promise<Array<{ handover_id: string; id: string; case_number: string; stage: string; person_index: number }>> {
    if (handoverIds.length === 0) return [];
    const p = new SqlParams();
    const ids = p.add(handoverIds);
    const s = scope(p);
    return (tx ?? this.db).query(
      `SELECT hp.handover_id, c.id, c.case_number, c.stage, hp.ordinal AS person_index
         FROM handover_persons hp JOIN cases c ON c.id = hp.case_id
        WHERE hp.handover_id = ANY(${ids}::uuid[]) AND ${s.where}
        ORDER BY hp.handover_id, hp.ordinal`,
      p.values,
    );
  }

  async agencyType(id: string): Promise<{ type: string; province_code: string } | null> {
    const rows = await this.db.query('SELECT type, province_code FROM agencies WHERE id = $1', [id]);
    return rows[0] ?? null;
  }
}
