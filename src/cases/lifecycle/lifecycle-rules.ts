import type { AgencyType } from '../../agencies/agency-types';
import type { Stage } from '../case-enums';
import type { SupportType } from '../../reference/reference-data';

/** Who a person is for Article 37: decides what they are entitled to. */
export type PersonStatus =
  | 'IDENTIFIED_VICTIM'
  | 'ACCOMPANYING_MINOR_OF_VICTIM'
  | 'BEING_IDENTIFIED_IN_VIETNAM'
  | 'BEING_IDENTIFIED_ABROAD'
  | 'FOREIGN_NATIONAL';

/**
 * The law's rules as data, versioned: each case records the version it was opened under, so a change of
 * rules (a new decree, a new holiday list) never rewrites what was owed in the past.
 */
export interface LifecycleRules {
  version: string;
  effectiveFrom: string;
  timeZone: 'Asia/Ho_Chi_Minh';
  deadlines: {
    /** Law 86/2025: initial verification with the provincial police within 3 days of reception. */
    initialVerificationDays: number;
    /** Police verification and identification (20 days under the 2011 law; configurable). */
    policeIdentificationDays: number;
    /** Temporary accommodation (Art. 37(1)(a)): at most 120 days, extendable. */
    shelterDays: number;
    /** Schooling, vocational training and hardship allowance applications: decided within 9 working days. */
    applicationWorkingDays: number;
  };
  /** Agency types that lead each stage. */
  stageOwners: Record<Stage, AgencyType[]>;
  /** Article 37 matrix: support types each kind of person is entitled to. */
  entitlements: Record<PersonStatus, SupportType[]>;
}

const ALL: SupportType[] = ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'TRAVEL_COSTS', 'PSYCHOLOGICAL', 'SCHOOLING', 'VOCATIONAL_TRAINING', 'HARDSHIP_ALLOWANCE', 'LOAN'];
const upTo = (last: SupportType) => ALL.slice(0, ALL.indexOf(last) + 1);

export const RULES_2024_V1: LifecycleRules = {
  version: 'law-53-2024-v1',
  effectiveFrom: '2025-07-01',
  timeZone: 'Asia/Ho_Chi_Minh',
  deadlines: { initialVerificationDays: 3, policeIdentificationDays: 20, shelterDays: 120, applicationWorkingDays: 9 },
  stageOwners: {
    RECEIVED: ['SOCIAL_AFFAIRS', 'SHELTER', 'BORDER_GUARD', 'POLICE', 'COMMUNE_PC'],
    INITIAL_VERIFICATION: ['SOCIAL_AFFAIRS', 'POLICE'],
    IN_IDENTIFICATION: ['POLICE', 'BORDER_GUARD'],
    IDENTIFIED_VICTIM: ['POLICE', 'BORDER_GUARD'],
    NOT_VICTIM: ['POLICE', 'BORDER_GUARD'],
    SUPPORT: ['SOCIAL_AFFAIRS', 'SHELTER', 'HEALTH', 'LEGAL_AID'],
    REINTEGRATION: ['SOCIAL_AFFAIRS', 'COMMUNE_PC'],
    CLOSED: ['SOCIAL_AFFAIRS'],
    CLOSED_REFERRED: ['SOCIAL_AFFAIRS'],
  },
  entitlements: {
    // Art. 37: identified victim (Vietnamese citizen or stateless resident): a–k.
    IDENTIFIED_VICTIM: ALL,
    // Accompanying under-18 of such a victim: a–h.
    ACCOMPANYING_MINOR_OF_VICTIM: upTo('SCHOOLING'),
    // Person being identified in Viet Nam (and accompanying under-18): a–g.
    BEING_IDENTIFIED_IN_VIETNAM: upTo('PSYCHOLOGICAL'),
    // Person being identified, still abroad (and accompanying under-18): a–d.
    BEING_IDENTIFIED_ABROAD: upTo('LEGAL_SUPPORT'),
    // Foreign victim / person being identified, trafficked in Viet Nam: a, b, c, d, đ, g as the case requires.
    FOREIGN_NATIONAL: ['ESSENTIAL_NEEDS', 'MEDICAL', 'INTERPRETATION', 'LEGAL_SUPPORT', 'LEGAL_AID', 'PSYCHOLOGICAL'],
  },
};

/** Every rules version ever in force, by version id. Add new versions; never edit a published one. */
export const RULES_VERSIONS: Record<string, LifecycleRules> = { [RULES_2024_V1.version]: RULES_2024_V1 };
export const CURRENT_RULES = RULES_2024_V1;

export function rulesFor(version: string | null | undefined): LifecycleRules {
  return (version && RULES_VERSIONS[version]) || CURRENT_RULES;
}
