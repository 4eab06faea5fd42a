import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlParams } from '../access/sql-params';
import type { AuditRecord } from './audit.types';

export interface AuditEventFilter {
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  beforeSeq?: number;
  limit: number;
}

/** Reads of the audit trail (newest first). The rows hold no personal values by construction. */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(f: AuditEventFilter): Promise<AuditRecord[]> {
    const p = new SqlParams();
    const where: string[] = ['TRUE'];
    if (f.resourceType) where.push(`resource_type = ${p.add(f.resourceType)}`);
    if (f.resourceId) {
      const id = p.add(f.resourceId);
      where.push(`(resource_id = ${id}::uuid OR ${id}::uuid = ANY(resource_ids))`);
    }
    if (f.actorId) where.push(`actor_user_id = ${p.add(f.actorId)}::uuid`);
    if (f.action) where.push(`action = ${p.add(f.action)}`);
    if (f.from) where.push(`occurred_at >= ${p.add(f.from)}`);
    if (f.to) where.push(`occurred_at < ${p.add(f.to)}`);
    if (f.beforeSeq) where.push(`seq < ${p.add(f.beforeSeq)}`);
    const rows: Array<Record<string, any>> = await this.db.query(
      `SELECT seq, id, occurred_at, actor_user_id, actor_agency_id, actor_role, action, resource_type, resource_id,
              resource_ids, fields, purpose, outcome, request_id
         FROM audit_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${p.add(f.limit)}`,
      p.values,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      occurredAt: (r.occurred_at as Date).toISOString(),
      actorUserId: r.actor_user_id,
      actorAgencyId: r.actor_agency_id,
      actorRole: r.actor_role,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      resourceIds: r.resource_ids,
      fields: r.fields,
      purpose: r.purpose,
      outcome: r.outcome,
      requestId: r.request_id,
    }));
  }
}
