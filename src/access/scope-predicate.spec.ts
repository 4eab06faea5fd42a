import type { Actor } from '../auth/actor';
import { scopePredicate } from './scope-predicate';
import { SqlParams } from './sql-params';

const actor = (role: Actor['role']): Actor => ({
  userId: '0190a000-0000-7000-8000-000000000001',
  username: 'u',
  role,
  agencyId: '0190a000-0000-7000-8000-0000000000aa',
  agencyType: 'SOCIAL_AFFAIRS',
  provinceCode: '20',
  sessionId: 's',
  requestId: 'r',
});

describe('scopePredicate', () => {
  it('caseworker (agency scope): owner agency OR assignee, values as parameters only', () => {
    const p = new SqlParams();
    const s = scopePredicate(actor('CASEWORKER'), p, { caseScope: 'agency' });
    expect(s.where).toBe('(c.owner_agency_id = $1::uuid OR c.assigned_user_id = $2::uuid)');
    expect(p.values).toEqual([actor('CASEWORKER').agencyId, actor('CASEWORKER').userId]);
    expect(s.reasons).toContain(`'OWNER_AGENCY'`);
  });

  it('CASE_SCOPE=assigned drops the owner-agency reason for caseworkers but not supervisors', () => {
    expect(scopePredicate(actor('CASEWORKER'), new SqlParams(), { caseScope: 'assigned' }).where).toBe('(c.assigned_user_id = $1::uuid)');
    expect(scopePredicate(actor('SUPERVISOR'), new SqlParams(), { caseScope: 'assigned' }).where).toContain('owner_agency_id');
  });

  it('roles without any implemented reason match no rows at all', () => {
    for (const role of ['SYSTEM_ADMIN', 'AUDITOR', 'STATISTICIAN'] as const) {
      const p = new SqlParams();
      expect(scopePredicate(actor(role), p, { caseScope: 'agency' }).where).toBe('FALSE');
      expect(p.values).toEqual([]);
    }
  });

  it('border guards reach only cases opened by a handover their own unit recorded', () => {
    const p = new SqlParams();
    const s = scopePredicate(actor('BORDER_GUARD'), p, { caseScope: 'agency' });
    expect(s.where).toBe('(EXISTS (SELECT 1 FROM handovers h WHERE h.id = c.source_handover_id AND h.recorded_by_agency_id = $1::uuid))');
    expect(p.values).toEqual([actor('BORDER_GUARD').agencyId]);
  });
});
