import { RULES_2024_V1 } from '../cases/lifecycle/lifecycle-rules';
import { entitledTo, entitlementStatus } from './entitlements';

const rules = RULES_2024_V1;
const ALL = ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'TRAVEL_COSTS', 'PSYCHOLOGICAL', 'SCHOOLING', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'LOAN'];
const entitled = (kind: 'VICTIM' | 'ACCOMPANYING_MINOR', nationality: string, location: 'IN_VIETNAM' | 'ABROAD' | null, outcome: string | null) =>
  entitledTo(entitlementStatus({ kind, nationality, location }, outcome, location), rules);

describe('Article 37 entitlement matrix', () => {
  it('identified victim (Vietnamese or stateless): a–k, all eleven', () => {
    expect(entitled('VICTIM', 'VN', 'IN_VIETNAM', 'IDENTIFIED_VICTIM')).toEqual(ALL);
    expect(entitled('VICTIM', 'XX', 'IN_VIETNAM', 'IDENTIFIED_VICTIM')).toEqual(ALL);
  });

  it('accompanying under-18 of an identified victim: a–h', () => {
    expect(entitled('ACCOMPANYING_MINOR', 'VN', null, 'IDENTIFIED_VICTIM')).toEqual(ALL.slice(0, 8));
    expect(entitled('ACCOMPANYING_MINOR', 'VN', null, 'IDENTIFIED_VICTIM')).toContain('SCHOOLING');
  });

  it('person being identified in Viet Nam (and the children with them): a–g', () => {
    expect(entitled('VICTIM', 'VN', 'IN_VIETNAM', null)).toEqual(ALL.slice(0, 7));
    expect(entitled('ACCOMPANYING_MINOR', 'VN', 'IN_VIETNAM', null)).toEqual(ALL.slice(0, 7));
  });

  it('person being identified still abroad: a–d', () => {
    expect(entitled('VICTIM', 'VN', 'ABROAD', null)).toEqual(ALL.slice(0, 4));
    // A child with no location of its own follows the victim's.
    expect(entitlementStatus({ kind: 'ACCOMPANYING_MINOR', nationality: 'VN', location: null }, null, 'ABROAD')).toBe('BEING_IDENTIFIED_ABROAD');
  });

  it('foreign national trafficked in Viet Nam: a, b, c, d, đ, g', () => {
    expect(entitled('VICTIM', 'LA', 'IN_VIETNAM', 'IDENTIFIED_VICTIM')).toEqual(['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'PSYCHOLOGICAL']);
    expect(entitled('VICTIM', 'KH', 'IN_VIETNAM', null)).toEqual(['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'PSYCHOLOGICAL']);
  });

  it('a person decided not to be a victim is entitled to nothing under Article 37', () => {
    expect(entitled('VICTIM', 'VN', 'IN_VIETNAM', 'NOT_VICTIM')).toEqual([]);
  });
});
