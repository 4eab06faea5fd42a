import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SqlParams } from '../access/sql-params';

export interface SupportRow extends Record<string, unknown> {
  id: string;
  case_id: string;
  person_id: string;
  type: string;
  status: string;
  version: number;
  key_version: number;
  key_wrapped: Buffer;
}

/** SQL of support deliveries. Callers have already checked the case is in the actor's scope. */
@Injectable()
export class SupportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  forCase(caseId: string, tx?: EntityManager): Promise<SupportRow[]> {
    return (tx ?? this.db).query(
      `SELECT s.*, k.kek_version AS key_version, k.wrapped AS key_wrapped
         FROM support_services s JOIN data_keys k ON k.owner_id = s.person_id
        WHERE s.case_id = $1 ORDER BY s.start_date, s.id`,
      [caseId],
    );
  }

  async one(caseId: string, id: string, tx?: EntityManager): Promise<SupportRow | null> {
    const rows: SupportRow[] = await (tx ?? this.db).query(
      `SELECT s.*, k.kek_version AS key_version, k.wrapped AS key_wrapped
         FROM support_services s JOIN data_keys k ON k.owner_id = s.person_id
        WHERE s.case_id = $1 AND s.id = $2`,
      [caseId, id],
    );
    return rows[0] ?? null;
  }

  async insert(tx: EntityManager, row: Record<string, unknown>): Promise<void> {
    const p = new SqlParams();
    const cols = Object.keys(row);
    await tx.query(`INSERT INTO support_services (${cols.join(', ')}) VALUES (${cols.map((c) => p.add(row[c])).join(', ')})`, p.values);
  }

  async update(tx: EntityManager, id: string, expectedVersion: number, columns: Record<string, unknown>): Promise<number | null> {
    const p = new SqlParams();
    const sets = Object.entries(columns).map(([c, v]) => `${c} = ${p.add(v)}`);
    sets.push('version = version + 1', 'updated_at = now()');
    const result = await tx.query(`UPDATE support_services SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND version = ${p.add(expectedVersion)} RETURNING version`, p.values);
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ version: number }>;
    return rows[0]?.version ?? null;
  }

  async agencyExists(id: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM agencies WHERE id = $1', [id])).length > 0;
  }
}
