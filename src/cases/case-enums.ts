/** Enumerations of the case aggregate (DESIGN.md "API contract"; HTCDS codes where they exist). */
export const CHANNELS = ['HOTLINE_111', 'SELF_REPORT', 'FAMILY_COMMUNITY', 'RESCUE', 'FOREIGN_HANDOVER', 'CONSULAR_RETURN', 'AGENCY_REFERRAL'] as const;
export const SEXES = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export const LOCATIONS = ['IN_VIETNAM', 'ABROAD'] as const;
export const STAGES = [
  'RECEIVED',
  'INITIAL_VERIFICATION',
  'IN_IDENTIFICATION',
  'IDENTIFIED_VICTIM',
  'NOT_VICTIM',
  'SUPPORT',
  'REINTEGRATION',
  'CLOSED',
  'CLOSED_REFERRED',
] as const;
/** Forms of exploitation named by the plans, aligned with HTCDS TypeOfExploitation. */
export const EXPLOITATION_FORMS = [
  'SEXUAL_EXPLOITATION',
  'FORCED_LABOUR',
  'FORCED_MARRIAGE',
  'SALE_OF_CHILDREN',
  'ORGAN_REMOVAL',
  'COMMERCIAL_SURROGACY',
  'FORCED_BEGGING',
  'FORCED_CRIMINALITY',
  'JOB_SCAM',
  'OTHER',
] as const;
export const MINOR_RELATIONS = ['CHILD', 'SIBLING', 'OTHER_RELATIVE', 'UNRELATED'] as const;

export type Channel = (typeof CHANNELS)[number];
export type Sex = (typeof SEXES)[number];
export type Stage = (typeof STAGES)[number];
