import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ProblemException } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { CaseRow, CasesRepository } from '../cases/cases.repository';
import { fieldsForCase } from './case-ability';
import { scopePredicate } from './scope-predicate';

export interface CasePartAccess<F extends string> {
  row: CaseRow;
  readable: Set<F>;
  writable: Set<F>;
}

/**
 * `requireAccess` for the parts of a case (support services, verification tasks, protection measures,
 * shelter stays, notes): the case must be in the actor's scope and the registry must grant some field of the
 * part under `prefix`; otherwise 404, the same as a missing case.
 */
@Injectable()
export class CaseAccessService {
  constructor(private readonly cases: CasesRepository, private readonly config: AppConfig) {}

  async requirePart<F extends string>(actor: Actor, caseId: string, prefix: string, tx?: EntityManager, opts: { lock?: boolean } = {}): Promise<CasePartAccess<F>> {
    const row = await this.cases.findInScope(caseId, (p) => scopePredicate(actor, p, { caseScope: this.config.CASE_SCOPE }), tx, opts);
    const own = (paths: ReadonlySet<string>) => new Set([...paths].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length) as F));
    const readable = row ? own(fieldsForCase(actor.role, 'read', row)) : new Set<F>();
    if (!row || readable.size === 0) throw ProblemException.notFound('case');
    return { row, readable, writable: own(fieldsForCase(actor.role, 'update', row)) };
  }

  /** 403 naming every requested field the actor may not write. */
  requireWritable(requested: string[], writable: ReadonlySet<string>): void {
    const denied = requested.filter((f) => !writable.has(f));
    if (denied.length) {
      throw new ProblemException(403, 'field-not-writable', 'Forbidden', 'Your role may not change some of these fields.', {
        errors: denied.map((f) => ({ field: f, message: `${f} is not writable by your role` })),
      });
    }
  }
}
