import { canCreateCase, permittedCaseFields } from './case-ability';
import { ALL_FIELD_PATHS, POLICY } from './field-registry';
import { ROLES } from './roles';

describe('case abilities derived from the field registry', () => {
  it('gives an owning caseworker every declared field, including encrypted ones', () => {
    const fields = permittedCaseFields('CASEWORKER', 'read', ['OWNER_AGENCY']);
    expect(fields.has('victim.fullName')).toBe(true);
    expect(fields.has('accompanyingMinors.narrative')).toBe(true);
    expect(fields.has('summary')).toBe(true);
    expect(fields.size).toBe(ALL_FIELD_PATHS.size);
  });

  it('denies by default: no reasons → no fields, for every role', () => {
    for (const role of ROLES) expect(permittedCaseFields(role, 'read', []).size).toBe(0);
  });

  it('a reason the role holds no grant for gives nothing (caseworker through HANDOVER)', () => {
    expect(permittedCaseFields('CASEWORKER', 'read', ['HANDOVER']).size).toBe(0);
  });

  it('a border guard through a handover sees the header only', () => {
    expect([...permittedCaseFields('BORDER_GUARD', 'read', ['HANDOVER'])].sort()).toEqual(['caseNumber', 'id', 'stage']);
  });

  it('SYSTEM_ADMIN, STATISTICIAN and AUDITOR can read no case field through any reason', () => {
    for (const role of ['SYSTEM_ADMIN', 'STATISTICIAN', 'AUDITOR'] as const) {
      expect(permittedCaseFields(role, 'read', ['OWNER_AGENCY', 'ASSIGNED', 'REFERRAL', 'HANDOVER', 'BREAK_GLASS', 'VERIFICATION_TASK']).size).toBe(0);
      expect(canCreateCase(role)).toBe(false);
    }
  });

  it('only supervisors may write the assignment; nobody writes id, case number or stage via PATCH', () => {
    expect(permittedCaseFields('SUPERVISOR', 'update', ['OWNER_AGENCY']).has('assignedUserId')).toBe(true);
    expect(permittedCaseFields('CASEWORKER', 'update', ['OWNER_AGENCY']).has('assignedUserId')).toBe(false);
    for (const role of ROLES) {
      const writable = permittedCaseFields(role, 'update', ['OWNER_AGENCY', 'ASSIGNED']);
      for (const f of ['id', 'caseNumber', 'stage', 'ownerAgencyId', 'victim.id', 'victim.ageBand']) expect(writable.has(f)).toBe(false);
    }
  });

  it('every path the policy grants is a declared field (no typo grants)', () => {
    for (const policy of Object.values(POLICY)) {
      for (const grant of [...Object.values(policy.read), ...Object.values(policy.write)]) {
        for (const path of grant ?? []) expect(ALL_FIELD_PATHS.has(path)).toBe(true);
      }
    }
  });
});
