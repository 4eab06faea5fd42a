import { fieldsForCase } from '../access/case-ability';
import { CaseView } from './case-view';

describe('CaseView.forRead (memoised)', () => {
  it('is the registry decision for the access, whatever was asked before', () => {
    const owner = { reasons: ['OWNER_AGENCY'] };
    const first = CaseView.forRead('CASEWORKER', owner);
    expect(first.paths).toEqual(fieldsForCase('CASEWORKER', 'read', owner));
    expect(CaseView.forRead('CASEWORKER', { reasons: ['OWNER_AGENCY'] })).toBe(first);
    // Another role with the same reasons gets its own view.
    expect(CaseView.forRead('SUPERVISOR', owner).paths).toEqual(fieldsForCase('SUPERVISOR', 'read', owner));
  });

  it('keeps referrals that share different fields apart', () => {
    const name = { reasons: ['REFERRAL'], referral_fields: ['victim.fullName'] };
    const phone = { reasons: ['REFERRAL'], referral_fields: ['victim.phone'] };
    const a = CaseView.forRead('LEGAL_AID_OFFICER', name);
    const b = CaseView.forRead('LEGAL_AID_OFFICER', phone);
    expect(a.paths).toEqual(fieldsForCase('LEGAL_AID_OFFICER', 'read', name));
    expect(b.paths).toEqual(fieldsForCase('LEGAL_AID_OFFICER', 'read', phone));
    expect(a.paths.has('victim.fullName')).toBe(true);
    expect(a.paths.has('victim.phone')).toBe(false);
    expect(b.paths.has('victim.phone')).toBe(true);
    expect(b.paths.has('victim.fullName')).toBe(false);
  });

  it('restricts to the given paths, per restriction', () => {
    const owner = { reasons: ['OWNER_AGENCY'] };
    const onlyName = new Set(['id', 'victim.fullName']);
    const restricted = CaseView.forRead('CASEWORKER', owner, onlyName);
    expect([...restricted.paths].sort()).toEqual(['id', 'victim.fullName']);
    expect(restricted.encryptedPersonFields.victim).toEqual(['fullName']);
    expect(restricted.encryptedCaseFields).toEqual([]);
    expect(CaseView.forRead('CASEWORKER', owner, new Set(['id'])).paths).toEqual(new Set(['id']));
    expect(CaseView.forRead('CASEWORKER', owner).paths.size).toBeGreaterThan(2);
  });
});
